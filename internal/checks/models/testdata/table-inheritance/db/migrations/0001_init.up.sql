CREATE TABLE vehicles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, wheels integer NOT NULL);
CREATE TABLE cars (doors integer NOT NULL) INHERITS (vehicles); -- want `public.cars INHERITS public.vehicles: it does not inherit the primary key`

-- near-miss: partitions are not reported
CREATE TABLE readings (id bigint NOT NULL, taken_on date NOT NULL, PRIMARY KEY (id, taken_on)) PARTITION BY RANGE (taken_on);
CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
