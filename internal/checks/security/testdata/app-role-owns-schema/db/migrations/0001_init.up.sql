CREATE ROLE pgr_ows_app LOGIN;
CREATE ROLE pgr_ows_ro LOGIN;
CREATE ROLE pgr_ows_admin LOGIN;
CREATE SCHEMA shop AUTHORIZATION pgr_ows_app;
CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE shop.orders OWNER TO pgr_ows_app;
GRANT USAGE ON SCHEMA shop TO pgr_ows_ro;
GRANT SELECT ON shop.orders TO pgr_ows_ro;
DO $$ BEGIN EXECUTE 'ALTER ROLE pgr_ows_admin SUPERUSER'; END $$;
