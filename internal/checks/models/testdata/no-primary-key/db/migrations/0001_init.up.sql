CREATE TABLE events ( -- want "table public.events has no primary key"
    occurred_at timestamptz NOT NULL,
    payload jsonb NOT NULL
);

CREATE TABLE users ( -- near-miss: an identity primary key
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);

CREATE TABLE memberships ( -- near-miss: a composite primary key
    user_id bigint NOT NULL REFERENCES users (id),
    org_id bigint NOT NULL,
    PRIMARY KEY (user_id, org_id)
);

CREATE TABLE api_keys ( -- want "public.api_keys has no primary key; it has a UNIQUE constraint"
    key_hash text UNIQUE,
    user_id bigint
);

-- near-miss: partitions inherit the key of their partitioned table
CREATE TABLE measurements (
    id bigint GENERATED ALWAYS AS IDENTITY,
    taken_on date NOT NULL,
    PRIMARY KEY (id, taken_on)
) PARTITION BY RANGE (taken_on);
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE SCHEMA audit;
CREATE TABLE audit.log (entry text); -- want "table audit.log has no primary key"

-- near-miss: the model declares no key either; model-without-primary-key reports it on the model
CREATE TABLE user_roles (user_id bigint NOT NULL, role text NOT NULL);

CREATE TABLE audit_entries ( -- want "table public.audit_entries has no primary key; the model AuditEntry declares one, but the migrations never created it"
    id bigint NOT NULL,
    entry text NOT NULL
);
