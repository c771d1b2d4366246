-- Reporting access, added in a hurry.
CREATE INDEX orders_status_lookup_idx ON orders (status);
GRANT SELECT ON orders, users TO PUBLIC;

CREATE TABLE order_notes (
    id bigserial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id),
    body text
);
CREATE INDEX order_notes_order_id_idx ON order_notes (order_id);

CREATE FUNCTION order_total(order_id bigint) RETURNS money
LANGUAGE sql SECURITY DEFINER
AS 'SELECT total FROM orders WHERE id = order_id';
