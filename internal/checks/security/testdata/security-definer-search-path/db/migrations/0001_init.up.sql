CREATE FUNCTION transfer(from_id bigint, to_id bigint, amount numeric) -- want `SECURITY DEFINER function public.transfer\(from_id bigint, to_id bigint, amount numeric\) runs as \S+ without a fixed search_path`
RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    PERFORM 1;
END $$;

CREATE FUNCTION safe_transfer(id bigint) RETURNS void -- near-miss: a fixed search_path
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ BEGIN PERFORM 1; END $$;

CREATE FUNCTION count_all() RETURNS bigint LANGUAGE sql AS 'SELECT 1'; -- near-miss: SECURITY INVOKER

CREATE FUNCTION later_fixed() RETURNS void LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'; -- near-miss: fixed by the ALTER below
ALTER FUNCTION later_fixed() SET search_path = pg_catalog, pg_temp;

CREATE SCHEMA scratch;
GRANT CREATE ON SCHEMA scratch TO PUBLIC;
CREATE FUNCTION scratch.risky() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = scratch, pg_temp AS 'SELECT 1'; -- want `SECURITY DEFINER function scratch.risky\(\) has search_path "scratch, pg_temp", which includes schema scratch where PUBLIC may CREATE objects`
