CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    org_id bigint
);
CREATE INDEX users_id_idx ON users (id); -- want `the index public.users_id_idx on public.users \(id\) duplicates the primary key: drop it`
CREATE INDEX users_email_idx ON users (email); -- want `the index public.users_email_idx on public.users \(email\) duplicates the unique constraint users_email_key`
CREATE UNIQUE INDEX users_email_unique ON users (email); -- want `the unique index public.users_email_unique on public.users \(email\) duplicates the unique constraint users_email_key`
CREATE INDEX users_name_a ON users (name);
CREATE INDEX users_name_b ON users (name); -- want `the index public.users_name_b on public.users \(name\) duplicates the index public.users_name_a`
CREATE INDEX users_lower_email ON users (lower(email)); -- near-miss: an expression is not the column
CREATE INDEX users_name_active ON users (name) WHERE org_id IS NOT NULL; -- near-miss: a partial index
CREATE INDEX users_name_pattern ON users (name text_pattern_ops); -- near-miss: another operator class
CREATE INDEX users_name_hash ON users USING hash (name); -- near-miss: another access method
CREATE INDEX users_org_incl ON users (org_id) INCLUDE (name);
CREATE INDEX users_org_name_incl ON users (org_id) INCLUDE (email); -- near-miss: other INCLUDE columns
