ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
CREATE INDEX orders_status_idx ON orders (status);
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
ALTER TABLE order_events ALTER COLUMN kind TYPE varchar(32);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0::money);
