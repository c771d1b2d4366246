CREATE TABLE entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
    booked_at timestamptz NOT NULL DEFAULT now(),
    memo jsonb
);
CREATE INDEX entries_account_id_booked_at_idx ON entries (account_id, booked_at);
COMMENT ON TABLE entries IS 'Double-entry lines; never updated.';
