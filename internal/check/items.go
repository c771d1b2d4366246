package check

import (
	"fmt"
	"strings"
)

// Item is one entry of the Database Setup Review checklist
// (../shared/checklist.md). IDs are stable: never renumber them.
type Item struct {
	ID    string // "4.4"
	Title string
	// Hint tells a human what would satisfy the item when no automated
	// evidence settles it (status manual).
	Hint string
}

// Area is one of the checklist's twelve sections.
type Area struct {
	ID    string // "4"
	Name  string // "Schema & Migrations"
	Slug  string // "migrations", accepted in .pgreview.yml
	Items []Item
}

// Areas is the checklist, in order.
var Areas = []Area{
	{"1", "Environment & Configuration", "environment", []Item{
		{"1.1", "Environment variable loading (python-dotenv)", "settings come from the environment; .env is git-ignored; a .env.example documents the variables"},
		{"1.2", "Database URL construction and validation", "the URL is built with a URL builder that escapes the password, and validated at start-up"},
		{"1.3", "Host resolution logic (localhost vs Docker)", "services in compose reach the database by its service name; the host comes from the environment"},
		{"1.4", "Connection pooling settings", "the engine/pool sets its size, overflow, recycle and timeout explicitly"},
		{"1.5", "SSL/TLS configuration", "sslmode=require or verify-full toward any non-local host"},
	}},
	{"2", "Connection Management", "connections", []Item{
		{"2.1", "DatabaseService initialization and lifecycle", "one engine/pool per process, created at start-up and disposed at shutdown"},
		{"2.2", "Async connection handling (psycopg3 vs asyncpg)", "one driver per database; no blocking calls on async paths"},
		{"2.3", "Connection pooling configuration", "pool size × workers stays under max_connections; pre-ping on checkout"},
		{"2.4", "Connection timeout and retry logic", "connect and statement timeouts; retry with backoff at start-up"},
		{"2.5", "Connection health checks", "pool_pre_ping, a SELECT 1 health endpoint or pgxpool HealthCheckPeriod"},
	}},
	{"3", "Testing Infrastructure", "testing", []Item{
		{"3.1", "Unit test setup (py-pglite configuration)", "tests that touch the database use a throwaway Postgres (py-pglite, pytest-postgresql, testcontainers)"},
		{"3.2", "Integration test setup (Docker PostgreSQL)", "integration tests run against a real Postgres of the production major version"},
		{"3.3", "Test isolation and cleanup", "each test runs in a rolled-back transaction or a fresh database"},
		{"3.4", "Test data management", "factories or fixtures build test data"},
		{"3.5", "Performance benchmarking setup", "pytest-benchmark, Go benchmarks or pgbench scripts"},
	}},
	{"4", "Schema & Migrations", "migrations", []Item{
		{"4.1", "Alembic configuration and environment setup", "the URL comes from the environment; target_metadata is set; compare_type is on"},
		{"4.2", "Migration versioning and dependencies", "one head, an unbroken chain, unique versions"},
		{"4.3", "Schema consistency across environments", "migrations match the models and the committed schema; one Postgres major everywhere"},
		{"4.4", "Migration rollback capabilities", "every migration has a down that undoes its up"},
		{"4.5", "Migration testing", "every migration applies on an empty database and is safe on a live one"},
	}},
	{"5", "Data Models & Relationships", "models", []Item{
		{"5.1", "SQLModel/SQLAlchemy model definitions", "every table and model has a primary key"},
		{"5.2", "Foreign key constraints and relationships", "foreign keys are indexed and typed like the referenced column"},
		{"5.3", "Index optimization", "no duplicate, redundant or invalid indexes"},
		{"5.4", "Data validation and constraints", "timestamptz, jsonb, bigint keys, validated constraints"},
		{"5.5", "Model inheritance patterns", "no INHERITS tables; single-table inheritance has a discriminator"},
	}},
	{"6", "Controllers & Business Logic", "logic", []Item{
		{"6.1", "BaseController patterns and error handling", "database errors are handled, never swallowed"},
		{"6.2", "Transaction management", "related writes share one transaction; no commit inside loops"},
		{"6.3", "Query optimization and N+1 problems", "relationships are eager-loaded where they are read in loops"},
		{"6.4", "Caching strategies", "a cache layer for hot reads, where it is needed"},
		{"6.5", "Bulk operations", "bulk inserts (executemany, COPY) instead of row-by-row"},
	}},
	{"7", "Docker & Infrastructure", "docker", []Item{
		{"7.1", "PostgreSQL Docker configuration", "the image is pinned to a major version that matches CI and docs"},
		{"7.2", "Volume mounting and persistence", "the data directory is on a named volume"},
		{"7.3", "Network configuration", "5432 is not published on all interfaces"},
		{"7.4", "Health checks and monitoring", "pg_isready healthcheck; depends_on with condition: service_healthy"},
		{"7.5", "Resource limits and scaling", "memory/CPU limits and shm_size on the database service"},
	}},
	{"8", "Security", "security", []Item{
		{"8.1", "Database credentials management", "no credentials committed; secrets come from the environment or a secret store"},
		{"8.2", "SQL injection prevention", "values are always bound as parameters"},
		{"8.3", "Access control and permissions", "the application role is not a superuser and does not own the schema"},
		{"8.4", "Data encryption at rest/transit", "secrets are hashed or encrypted; TLS toward remote hosts"},
		{"8.5", "Audit logging", "pgaudit, audit triggers or log_statement/log_connections"},
	}},
	{"9", "Performance & Monitoring", "monitoring", []Item{
		{"9.1", "Query performance monitoring", "pg_stat_statements preloaded and created, or query instrumentation"},
		{"9.2", "Connection pool monitoring", "pool metrics exported (pool.status, pgxpool Stat)"},
		{"9.3", "Slow query detection", "log_min_duration_statement or auto_explain"},
		{"9.4", "Memory usage and optimization", "shared_buffers/work_mem sized to the container's memory"},
		{"9.5", "Database metrics collection", "postgres_exporter or another metrics source"},
	}},
	{"10", "Production Readiness", "production", []Item{
		{"10.1", "Backup and recovery procedures", "a backup job (pg_dump, pgBackRest, WAL-G, barman) and a documented restore"},
		{"10.2", "High availability setup", "replicas, Patroni or a managed service with failover"},
		{"10.3", "Disaster recovery planning", "documented RPO/RTO and off-site backups"},
		{"10.4", "Database maintenance scripts", "vacuum/analyze/reindex jobs; autovacuum left on"},
		{"10.5", "Upgrade/migration procedures", "a documented major-version upgrade path"},
	}},
	{"11", "Error Handling & Resilience", "resilience", []Item{
		{"11.1", "Database connection failure handling", "connection errors are caught and retried"},
		{"11.2", "Transaction rollback strategies", "write paths roll back on error (session.begin(), pgx.BeginFunc)"},
		{"11.3", "Deadlock detection and resolution", "retry on SQLSTATE 40P01/40001"},
		{"11.4", "Circuit breaker patterns", "a circuit breaker around the database"},
		{"11.5", "Graceful degradation", "a health endpoint that reports degraded; read-only fallbacks"},
	}},
	{"12", "Documentation & Maintenance", "docs", []Item{
		{"12.1", "Database schema documentation", "COMMENT on tables and columns, or schema docs/ERD in the repo"},
		{"12.2", "API documentation for database operations", "docstrings on repository methods; OpenAPI for the service"},
		{"12.3", "Troubleshooting guides", "a troubleshooting section that covers the database"},
		{"12.4", "Performance tuning guides", "documented tuning"},
		{"12.5", "Operational runbooks", "runbooks for restore, failover and maintenance"},
	}},
}

var itemIndex = func() map[string]*Item {
	m := map[string]*Item{}
	for a := range Areas {
		for i := range Areas[a].Items {
			m[Areas[a].Items[i].ID] = &Areas[a].Items[i]
		}
	}
	return m
}()

// LookupItem returns the item with the given ID.
func LookupItem(id string) (*Item, bool) {
	it, ok := itemIndex[id]
	return it, ok
}

// AreaOf returns the area an item ID belongs to.
func AreaOf(itemID string) *Area {
	areaID, _, _ := strings.Cut(itemID, ".")
	for i := range Areas {
		if Areas[i].ID == areaID {
			return &Areas[i]
		}
	}
	return nil
}

// LookupArea finds an area by ID ("7") or slug ("docker").
func LookupArea(s string) (*Area, error) {
	for i := range Areas {
		if Areas[i].ID == s || strings.EqualFold(Areas[i].Slug, s) {
			return &Areas[i], nil
		}
	}
	return nil, fmt.Errorf("unknown area %q", s)
}
