CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric(12, 2) NOT NULL);
GRANT SELECT, INSERT ON orders TO PUBLIC; -- want `PUBLIC \(every role, including future ones\) has (INSERT, SELECT|SELECT, INSERT) on table public.orders`
CREATE VIEW order_totals AS SELECT sum(total) AS total FROM orders;
GRANT SELECT ON order_totals TO PUBLIC; -- want `PUBLIC .* has SELECT on view public.order_totals`
CREATE ROLE pgr_pp_reader;
GRANT SELECT ON orders TO pgr_pp_reader; -- near-miss: a grant to a role
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders'; -- near-miss: EXECUTE to PUBLIC is the built-in default for functions
CREATE SCHEMA reports;
GRANT USAGE ON SCHEMA reports TO PUBLIC; -- near-miss: USAGE alone exposes nothing
GRANT CREATE ON SCHEMA reports TO PUBLIC; -- want `PUBLIC .* can CREATE objects in schema reports`
CREATE TABLE reports.daily (day date PRIMARY KEY, total numeric);
GRANT SELECT ON ALL TABLES IN SCHEMA reports TO PUBLIC; -- want `PUBLIC .* has SELECT on table reports.daily`
ALTER DEFAULT PRIVILEGES IN SCHEMA reports GRANT SELECT ON TABLES TO PUBLIC; -- want `default privileges give PUBLIC SELECT on tables created by \S+ in reports`
