CREATE TABLE users (
    id serial PRIMARY KEY,
    email varchar(255) NOT NULL,
    password text NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);
