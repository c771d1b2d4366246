CREATE TABLE countries ( -- want `public.countries.code is character\(2\): values are blank-padded`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code char(2) NOT NULL,
    kind "char" NOT NULL DEFAULT 'c', -- near-miss: the one-byte internal "char" type
    iso3 varchar(3) NOT NULL -- near-miss: varchar is not padded
);
