CREATE TABLE measurements (
    id bigint NOT NULL,
    taken_on date NOT NULL,
    v numeric,
    PRIMARY KEY (id, taken_on)
) PARTITION BY RANGE (taken_on);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX measurements_v_idx ON ONLY measurements (v); -- want `index public.measurements_v_idx on public.measurements \(v\) is invalid: queries do not use it, because it was created ON ONLY the partitioned table`
CREATE INDEX measurements_2024_v_idx ON measurements_2024 (v);
ALTER INDEX measurements_v_idx ATTACH PARTITION measurements_2024_v_idx;

-- near-miss: ON ONLY, then every partition's index attached
CREATE INDEX measurements_taken_idx ON ONLY measurements (taken_on);
CREATE INDEX measurements_2024_taken_idx ON measurements_2024 (taken_on);
ALTER INDEX measurements_taken_idx ATTACH PARTITION measurements_2024_taken_idx;
CREATE INDEX measurements_2025_taken_idx ON measurements_2025 (taken_on);
ALTER INDEX measurements_taken_idx ATTACH PARTITION measurements_2025_taken_idx;

CREATE TABLE imports (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ref text NOT NULL);
CREATE UNIQUE INDEX imports_ref_key ON imports (ref); -- want `index public.imports_ref_key on public.imports \(ref\) is invalid: queries do not use it; it does not enforce uniqueness`
-- What a failed CREATE UNIQUE INDEX CONCURRENTLY leaves behind (a migration
-- cannot fail and still be applied, so the fixture marks it by hand).
UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'imports_ref_key'::regclass;
