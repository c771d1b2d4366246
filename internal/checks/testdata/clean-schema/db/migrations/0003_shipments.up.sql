-- Added to a live table the safe way: NOT VALID, validated below.
CREATE TABLE shipments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL,
    shipped_at timestamptz NOT NULL
);
COMMENT ON TABLE shipments IS 'Parcels sent for an order.';
CREATE INDEX shipments_order_id_idx ON shipments (order_id);
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
ALTER TABLE shipments VALIDATE CONSTRAINT shipments_order_id_fkey;

CREATE VIEW open_orders WITH (security_invoker = true) AS
    SELECT o.id, o.account_id, o.placed_at FROM orders o
    WHERE NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id);
COMMENT ON VIEW open_orders IS 'Orders not shipped yet.';

CREATE FUNCTION close_account(target bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ UPDATE public.accounts SET status = 'closed', deleted_at = now() WHERE id = target $$;
REVOKE EXECUTE ON FUNCTION close_account(bigint) FROM PUBLIC;
