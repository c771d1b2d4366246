CREATE EXTENSION pgcrypto; -- want `extension pgcrypto is installed in schema public`
CREATE SCHEMA extensions;
CREATE EXTENSION citext SCHEMA extensions; -- near-miss: a schema of its own
