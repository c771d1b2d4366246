DROP TABLE users; -- near-miss: unchanged since the base
