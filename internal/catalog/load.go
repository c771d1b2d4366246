package catalog

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// loader reads one kind of object: its query (which may depend on the
// server) and what to do with each row.
type loader struct {
	what  string
	query func(*Snapshot) string
	scan  func(*Snapshot, pgx.Rows) error
}

// loaders run in this order: tables before everything attached to them.
var loaders = []loader{
	{"schemas", schemasQuery, scanSchemas},
	{"tables", tablesQuery, scanTables},
	{"columns", columnsQuery, scanColumns},
	{"indexes", indexesQuery, scanIndexes},
	{"constraints", constraintsQuery, scanConstraints},
	{"sequences", sequencesQuery, scanSequences},
	{"enums", enumsQuery, scanEnums},
	{"views", viewsQuery, scanViews},
	{"functions", functionsQuery, scanFunctions},
	{"triggers", triggersQuery, scanTriggers},
	{"extensions", extensionsQuery, scanExtensions},
	{"roles", rolesQuery, scanRoles},
	{"privileges", privilegesQuery, scanPrivileges},
	{"settings", settingsQuery, scanSettings},
}

// QueryCount is how many queries Load runs, whatever the schema's size.
var QueryCount = 1 + len(loaders)

// Load reads the snapshot over conn: one query about the server, then one
// query per kind of object, sent together in a single round trip.
func Load(ctx context.Context, conn *pgx.Conn) (*Snapshot, error) {
	s := &Snapshot{
		tablesByOID:  map[uint32]*Table{},
		indexesByTbl: map[uint32][]*Index{},
		consByTbl:    map[uint32][]*Constraint{},
		trigsByTbl:   map[uint32][]*Trigger{},
	}
	if err := s.loadServer(ctx, conn); err != nil {
		return nil, fmt.Errorf("catalog: load server: %w", err)
	}
	s.Queries++
	batch := &pgx.Batch{}
	for _, l := range loaders {
		batch.Queue(l.query(s))
	}
	results := conn.SendBatch(ctx, batch)
	for _, l := range loaders {
		rows, err := results.Query()
		if err == nil {
			err = scanAll(s, rows, l.scan)
		}
		if err != nil {
			results.Close()
			return nil, fmt.Errorf("catalog: load %s: %w", l.what, err)
		}
		s.Queries++
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	s.finish()
	return s, nil
}

func scanAll(s *Snapshot, rows pgx.Rows, scan func(*Snapshot, pgx.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(s, rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Snapshot) loadServer(ctx context.Context, conn *pgx.Conn) error {
	return conn.QueryRow(ctx, `
		SELECT current_setting('server_version_num')::int, current_database(), pg_get_userbyid(d.datdba), current_user,
		       has_table_privilege('pg_catalog.pg_file_settings', 'SELECT')
		FROM pg_database d WHERE d.datname = current_database()`).
		Scan(&s.Server.VersionNum, &s.Server.Database, &s.Server.DatabaseOwner, &s.Server.SessionUser, &s.readFileSettings)
}

// finish indexes what the checks look up and sorts for stable output.
func (s *Snapshot) finish() {
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].QualifiedName() < s.Tables[j].QualifiedName() })
	sort.SliceStable(s.Indexes, func(i, j int) bool { return s.Indexes[i].QualifiedName() < s.Indexes[j].QualifiedName() })
	sort.SliceStable(s.Constraints, func(i, j int) bool {
		a, b := s.Table(s.Constraints[i].TableOID), s.Table(s.Constraints[j].TableOID)
		if a != b {
			return a.QualifiedName() < b.QualifiedName()
		}
		return s.Constraints[i].Name < s.Constraints[j].Name
	})
	byIndex := map[uint32]uint32{}
	for _, c := range s.Constraints {
		s.consByTbl[c.TableOID] = append(s.consByTbl[c.TableOID], c)
		if c.Type == "p" || c.Type == "u" || c.Type == "x" {
			byIndex[c.IndexOID] = c.OID
		}
	}
	for _, ix := range s.Indexes {
		ix.Constraint = byIndex[ix.OID]
		s.indexesByTbl[ix.TableOID] = append(s.indexesByTbl[ix.TableOID], ix)
	}
	for _, t := range s.Triggers {
		s.trigsByTbl[t.TableOID] = append(s.trigsByTbl[t.TableOID], t)
	}
}
