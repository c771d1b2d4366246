DROP SCHEMA reports CASCADE; DROP VIEW order_totals; DROP TABLE orders; DROP FUNCTION order_count(); DROP ROLE pgr_pp_reader;
