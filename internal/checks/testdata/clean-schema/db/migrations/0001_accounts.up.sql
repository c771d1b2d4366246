-- A well-designed schema: every live check must find nothing above GOOD.
CREATE SCHEMA extensions;
COMMENT ON SCHEMA extensions IS 'Extensions, kept apart from the application.';
CREATE EXTENSION citext SCHEMA extensions;
-- shop_app is created by db/init/10-roles.sh, which the image runs first.
GRANT USAGE ON SCHEMA extensions TO shop_app;

CREATE TYPE account_status AS ENUM ('active', 'suspended', 'closed');

CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email extensions.citext NOT NULL,
    display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200),
    status account_status NOT NULL DEFAULT 'active',
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
COMMENT ON TABLE accounts IS 'People who can sign in.';
COMMENT ON COLUMN accounts.email IS 'Login; unique among accounts that are not deleted.';
COMMENT ON COLUMN accounts.password_hash IS 'argon2id hash; the password itself is never stored.';
-- A partial unique index: a deleted account frees its email.
CREATE UNIQUE INDEX accounts_email_live_key ON accounts (email) WHERE deleted_at IS NULL;

CREATE TABLE warehouses (
    region text NOT NULL,
    code text NOT NULL CHECK (char_length(code) = 3),
    name text NOT NULL,
    PRIMARY KEY (region, code)
);
COMMENT ON TABLE warehouses IS 'Where stock is kept, identified by region and code.';
