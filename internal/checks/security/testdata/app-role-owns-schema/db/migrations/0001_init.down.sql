DROP SCHEMA shop CASCADE; DROP ROLE pgr_ows_app, pgr_ows_ro, pgr_ows_admin;
