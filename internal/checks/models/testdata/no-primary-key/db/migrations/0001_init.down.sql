DROP SCHEMA audit CASCADE;
DROP TABLE measurements, api_keys, memberships, users, events;
