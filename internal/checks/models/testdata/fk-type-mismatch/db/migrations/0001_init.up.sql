CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handle varchar(40) NOT NULL UNIQUE
);

CREATE TABLE orders ( -- want `foreign key orders_user_id_fkey: public.orders.user_id is integer but the referenced public.users.id is bigint; once the referenced values pass the smaller type's range, inserts here fail`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id)
);

CREATE TABLE invoices ( -- near-miss: the same type
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id)
);

CREATE TABLE mentions ( -- near-miss: text referencing varchar is the same type underneath
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handle text NOT NULL REFERENCES users (handle)
);

CREATE TABLE regions (country text, code smallint, PRIMARY KEY (country, code));
CREATE TABLE shops ( -- want `shops_country_region_code_fkey: public.shops.region_code is integer but the referenced public.regions.code is smallint`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country text NOT NULL,
    region_code integer NOT NULL,
    FOREIGN KEY (country, region_code) REFERENCES regions (country, code)
);

CREATE DOMAIN user_ref AS bigint;
CREATE TABLE sessions ( -- near-miss: a domain over bigint
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id user_ref NOT NULL REFERENCES users (id)
);
