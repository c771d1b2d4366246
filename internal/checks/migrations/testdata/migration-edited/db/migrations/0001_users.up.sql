CREATE TABLE users (id bigint PRIMARY KEY, email text); -- want `0001_users.up.sql was changed after base, where it may already have been applied`
