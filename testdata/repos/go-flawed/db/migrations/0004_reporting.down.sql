DROP FUNCTION order_total(bigint);
DROP TABLE order_notes;
REVOKE SELECT ON orders, users FROM PUBLIC;
DROP INDEX orders_status_lookup_idx;
