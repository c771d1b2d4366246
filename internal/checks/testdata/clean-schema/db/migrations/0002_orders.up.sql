CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    placed_at timestamptz NOT NULL DEFAULT now(),
    total_cents bigint NOT NULL CHECK (total_cents >= 0),
    details jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE orders IS 'One checkout by one account.';
CREATE INDEX orders_account_id_placed_at_idx ON orders (account_id, placed_at);

CREATE TABLE stock (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wh_region text NOT NULL,
    wh_code text NOT NULL,
    sku text NOT NULL,
    quantity integer NOT NULL CHECK (quantity >= 0),
    FOREIGN KEY (wh_region, wh_code) REFERENCES warehouses (region, code),
    UNIQUE (wh_region, wh_code, sku)
);
COMMENT ON TABLE stock IS 'Units of a SKU in a warehouse; the composite key is covered by the unique index.';

CREATE TABLE order_lines (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    sku text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, line_no)
);
COMMENT ON TABLE order_lines IS 'The lines of an order.';

-- Events, partitioned by month; the key includes the partition key.
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamptz NOT NULL,
    account_id bigint NOT NULL REFERENCES accounts (id),
    payload jsonb NOT NULL,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE events IS 'Append-only account events.';
CREATE TABLE events_2025_01 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE events_2025_02 PARTITION OF events FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE INDEX events_account_id_idx ON events (account_id);
