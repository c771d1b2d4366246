DROP TABLE warehouses, accounts; DROP TYPE account_status; DROP EXTENSION citext; DROP SCHEMA extensions;
