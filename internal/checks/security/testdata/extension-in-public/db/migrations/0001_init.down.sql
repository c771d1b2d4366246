DROP EXTENSION pgcrypto; DROP EXTENSION citext; DROP SCHEMA extensions;
