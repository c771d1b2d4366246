CREATE INDEX CONCURRENTLY IF NOT EXISTS entries_memo_idx ON entries USING gin (memo);
