CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    status text NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id); -- want `index public.orders_customer \(customer_id\) is covered by the index public.orders_customer_created \(customer_id, created_at\)`
CREATE INDEX orders_customer_created ON orders (customer_id, created_at);
CREATE UNIQUE INDEX orders_id_status ON orders (id, status); -- near-miss: the primary key is never redundant
CREATE INDEX orders_status_open ON orders (status) WHERE status <> 'done'; -- near-miss: a partial index
CREATE INDEX orders_status_created ON orders (status, created_at);
CREATE INDEX orders_created_desc ON orders (created_at DESC); -- near-miss: another ordering
CREATE INDEX orders_created_status ON orders (created_at, status);

CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    amount bigint NOT NULL
);
CREATE INDEX payments_order ON payments (order_id); -- want `index public.payments_order \(order_id\) is covered by the index public.payments_order_incl \(order_id\) INCLUDE \(amount\)`
CREATE INDEX payments_order_incl ON payments (order_id) INCLUDE (amount);
