CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id),
    total money NOT NULL,
    details json
);

CREATE TABLE order_events (
    order_id bigint NOT NULL REFERENCES orders (id),
    kind text NOT NULL,
    at timestamp NOT NULL DEFAULT now()
);
