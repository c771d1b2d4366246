CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE addresses (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE TABLE roles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users (id),
    role_id bigint NOT NULL,
    PRIMARY KEY (user_id, role_id)
);
CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint);
