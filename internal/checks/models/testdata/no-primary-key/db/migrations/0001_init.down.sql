DROP SCHEMA audit CASCADE;
DROP TABLE audit_entries, user_roles, measurements, api_keys, memberships, users, events;
