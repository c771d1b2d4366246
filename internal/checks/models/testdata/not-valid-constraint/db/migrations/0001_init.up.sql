CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL,
    total numeric(12, 2) NOT NULL
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID; -- want `constraint orders_customer_fk on public.orders \(FOREIGN KEY \(customer_id\) REFERENCES customers\(id\) NOT VALID\) was added NOT VALID and never validated`
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID; -- near-miss: validated by the next migration
