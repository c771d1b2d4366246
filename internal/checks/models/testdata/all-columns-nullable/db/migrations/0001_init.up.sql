CREATE TABLE profiles ( -- want `every column of public.profiles except its primary key is nullable \(bio, website\)`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bio text,
    website text
);
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, note text); -- near-miss: one column is required
CREATE TABLE settings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, value jsonb); -- near-miss: a single non-key column
CREATE TABLE logs (line text, level text); -- near-miss: no primary key (no-primary-key reports it)
CREATE TABLE totals ( -- want `every column of public.totals except its primary key is nullable \(a, b\)`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    a integer,
    b integer,
    s integer GENERATED ALWAYS AS (a + b) STORED
);
