DROP FUNCTION close_account(bigint); DROP VIEW open_orders; DROP TABLE shipments;
