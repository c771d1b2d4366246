CREATE TABLE users ( -- want `public.users has varchar\(n\) columns \(email character varying\(320\), name character varying\(100\)\)`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(320) NOT NULL,
    name varchar(100),
    bio text
);
CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label varchar NOT NULL); -- near-miss: varchar without a length is text
CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL); -- near-miss: text
ALTER TABLE notes ADD COLUMN title varchar(200); -- want `public.notes has varchar\(n\) columns \(title character varying\(200\)\)`
