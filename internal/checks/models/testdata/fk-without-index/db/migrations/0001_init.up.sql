CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE warehouses (
    region text NOT NULL,
    code text NOT NULL,
    PRIMARY KEY (region, code)
);

CREATE TABLE orders ( -- want `foreign key orders_customer_id_fkey on public.orders \(customer_id\) → public.customers has no index`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
);

-- near-miss: a composite FK covered by a composite index in the other order
CREATE TABLE stock (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wh_region text NOT NULL,
    wh_code text NOT NULL,
    FOREIGN KEY (wh_region, wh_code) REFERENCES warehouses (region, code)
);
CREATE INDEX stock_wh_idx ON stock (wh_code, wh_region, id);

-- A composite FK where only one of its columns leads an index.
CREATE TABLE shipments ( -- want `shipments_wh_region_wh_code_fkey on public.shipments \(wh_region, wh_code\)`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wh_region text NOT NULL,
    wh_code text NOT NULL,
    FOREIGN KEY (wh_region, wh_code) REFERENCES warehouses (region, code)
);
CREATE INDEX shipments_region_idx ON shipments (wh_region);

-- near-miss: the FK column is the leading column of the primary key
CREATE TABLE customer_settings (
    customer_id bigint NOT NULL REFERENCES customers (id),
    name text NOT NULL,
    PRIMARY KEY (customer_id, name)
);

-- A partial index does not cover every row.
CREATE TABLE invoices ( -- want "invoices_customer_id_fkey"
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint REFERENCES customers (id),
    paid boolean NOT NULL DEFAULT false
);
CREATE INDEX invoices_unpaid_idx ON invoices (customer_id) WHERE NOT paid;
