package migrate

import (
	"context"
	"fmt"
	"hash/crc32"
	"maps"
	"math/big"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// Flyway's file names: V<version>__<description>.sql (versioned),
// U<version>__ (undo), R__<description> (repeatable). Versions separate
// their parts with dots or underscores.
var flywayName = regexp.MustCompile(`^([VUR])([0-9]+(?:[._][0-9]+)*)?__(.+)\.sql$`)

var flywayPlaceholder = regexp.MustCompile(`\$\{([^}]+)\}`)

func flywayScore(r *repo.Repo, dir string) int {
	n := 0
	for _, f := range filesIn(r, dir) {
		if m := flywayName.FindStringSubmatch(path.Base(f.Path)); m != nil && (m[1] == "R") == (m[2] == "") {
			n++
		}
	}
	return n
}

// loadFlyway reads versioned, undo and repeatable migrations. Versioned
// ones run in version order (1.10 after 1.9); repeatables run after them,
// ordered by description; undo scripts are the downs.
func loadFlyway(r *repo.Repo, dir string, placeholders map[string]string) (*Plan, error) {
	conf := readFlywayConfig(r)
	plan := &Plan{Tool: "flyway", Dir: dir, Late: flywayLate, Bookkeeping: []string{"public.flyway_schema_history"}}
	if conf.outOfOrder {
		plan.Late = flywayOutOfOrderLate
	}
	maps.Copy(conf.placeholders, placeholders) // .pgreview.yml wins
	placeholders = conf.placeholders
	byVersion := map[string]*Migration{}
	undos := map[string]*Script{}
	var repeatables []*Migration
	fw := flyway{checksums: map[string]int32{}}
	for _, f := range filesIn(r, dir) {
		m := flywayName.FindStringSubmatch(path.Base(f.Path))
		if m == nil || (m[1] == "R") != (m[2] == "") {
			continue
		}
		text := f.Text()
		fw.checksums[f.Path] = flywayChecksum(text)
		var perr *ScriptError
		if !conf.noReplacement {
			text, perr = replacePlaceholders(f.Path, text, placeholders)
		}
		s := &Script{File: f.Path, Line: 1, Statements: SplitStatements(text, 1)}
		if perr != nil {
			s.Err = perr
		} else {
			s.Err = flywayTransaction(r, f.Path, s)
		}
		desc := strings.ReplaceAll(m[3], "_", " ")
		switch m[1] {
		case "V":
			key := normalVersion(m[2])
			if other, dup := byVersion[key]; dup {
				plan.Problems = append(plan.Problems, duplicateVersion(f.Path, m[2], other.File()))
				continue
			}
			byVersion[key] = &Migration{Version: m[2], Name: desc, Up: s}
		case "U":
			undos[normalVersion(m[2])] = s
		case "R":
			repeatables = append(repeatables, &Migration{Name: desc, Up: s})
		}
	}
	var versioned []*Migration
	for key, mig := range byVersion {
		mig.Down = undos[key]
		versioned = append(versioned, mig)
	}
	sort.Slice(versioned, func(i, j int) bool { return compareVersions(versioned[i].Version, versioned[j].Version) < 0 })
	sort.Slice(repeatables, func(i, j int) bool { return repeatables[i].Name < repeatables[j].Name })
	plan.Migrations = append(versioned, repeatables...)
	plan.HasDowns = len(undos) > 0 // undo is optional in Flyway; only a repo that uses it misses one
	plan.Runner = &fw
	return plan, nil
}

// replacePlaceholders substitutes ${name} as Flyway does, everywhere in
// the file; an unknown placeholder stops Flyway, and us, with its line.
func replacePlaceholders(file, text string, values map[string]string) (string, *ScriptError) {
	var missing *ScriptError
	out := flywayPlaceholder.ReplaceAllStringFunc(text, func(ph string) string {
		name := ph[2 : len(ph)-1]
		if v, ok := values[name]; ok {
			return v
		}
		if v, ok := values[strings.ToLower(name)]; ok { // from FLYWAY_PLACEHOLDERS_NAME
			return v
		}
		if v, ok := flywayBuiltins(file)[name]; ok {
			return v
		}
		if missing == nil {
			line := strings.Count(text[:strings.Index(text, ph)], "\n") + 1
			missing = &ScriptError{File: file, Line: line, Message: fmt.Sprintf("no value for Flyway placeholder %s: Flyway stops here too; set flyway.placeholders.%s in flyway.conf (or [flyway.placeholders] in flyway.toml), or migrations.placeholders in .pgreview.yml for the review alone", ph, name)}
		}
		return ph
	})
	return out, missing
}

func flywayBuiltins(file string) map[string]string {
	return map[string]string{
		"flyway:defaultSchema": "public", "flyway:user": "postgres", "flyway:database": "pgreview",
		"flyway:timestamp": time.Now().Format("2006-01-02 15:04:05"), "flyway:filename": path.Base(file),
		"flyway:table": "flyway_schema_history", "flyway:environment": "default", "flyway:workingDirectory": ".",
	}
}

// flywayTransaction sets how Flyway runs a script: in a transaction,
// unless it holds only statements Postgres refuses in one (then without),
// or its .conf says executeInTransaction=false. Mixing both is an error.
func flywayTransaction(r *repo.Repo, file string, s *Script) *ScriptError {
	if conf := r.File(file + ".conf"); conf != nil && regexp.MustCompile(`(?m)^\s*executeInTransaction\s*=\s*false\s*$`).MatchString(conf.Text()) {
		s.NoTransaction = true
		return nil
	}
	nonTx, tx := 0, 0
	var offending Statement
	for _, st := range s.Statements {
		if nonTransactional(st.SQL) {
			nonTx++
			offending = st
		} else {
			tx++
		}
	}
	switch {
	case nonTx > 0 && tx > 0:
		return &ScriptError{File: file, Line: offending.Line, Message: fmt.Sprintf("Flyway refuses a migration that mixes transactional and non-transactional statements (`%s`); move it to a migration of its own", firstLine(offending.SQL))}
	case nonTx > 0:
		s.NoTransaction = true
	}
	return nil
}

// flywayChecksum is Flyway's CRC32 over the file's lines, without line
// endings or a byte-order mark.
func flywayChecksum(text string) int32 {
	h := crc32.NewIEEE()
	text = strings.TrimPrefix(text, "\ufeff")
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		h.Write([]byte(strings.TrimSuffix(line, "\r")))
	}
	return int32(h.Sum32())
}

func normalVersion(v string) string {
	parts := splitVersion(v)
	for len(parts) > 1 && parts[len(parts)-1].Sign() == 0 {
		parts = parts[:len(parts)-1]
	}
	var s []string
	for _, p := range parts {
		s = append(s, p.String())
	}
	return strings.Join(s, ".")
}

func splitVersion(v string) []*big.Int {
	var out []*big.Int
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' }) {
		n, _ := new(big.Int).SetString(p, 10)
		if n == nil {
			n = new(big.Int)
		}
		out = append(out, n)
	}
	return out
}

// compareVersions orders Flyway versions part by part: 1.9 < 1.10 = 1.10.0.
func compareVersions(a, b string) int {
	pa, pb := splitVersion(a), splitVersion(b)
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := new(big.Int), new(big.Int)
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := x.Cmp(y); c != 0 {
			return c
		}
	}
	return 0
}

// flyway records every migration in flyway_schema_history, in the
// migration's transaction, as Flyway does.
type flyway struct {
	checksums map[string]int32
}

const flywayTable = `CREATE TABLE IF NOT EXISTS public.flyway_schema_history (
    installed_rank integer NOT NULL,
    version varchar(50),
    description varchar(200) NOT NULL,
    type varchar(20) NOT NULL,
    script varchar(1000) NOT NULL,
    checksum integer,
    installed_by varchar(100) NOT NULL,
    installed_on timestamp NOT NULL DEFAULT now(),
    execution_time integer NOT NULL,
    success boolean NOT NULL,
    CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank)
);
CREATE INDEX IF NOT EXISTS flyway_schema_history_s_idx ON public.flyway_schema_history (success)`

func (f *flyway) Open(ctx context.Context, db *Session) (Applier, error) {
	if _, err := db.Conn.Exec(ctx, flywayTable); err != nil {
		return nil, fmt.Errorf("create flyway_schema_history: %w", err)
	}
	return sqlRunner{up: f.up, down: f.down}.Open(ctx, db)
}

// record is the flyway_schema_history row for a script, as SQL.
func (f *flyway) record(m *Migration, s *Script, kind string) string {
	version := "NULL"
	if m.Version != "" {
		version = literal(strings.ReplaceAll(m.Version, "_", "."))
	}
	return fmt.Sprintf(`INSERT INTO public.flyway_schema_history
		(installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
		VALUES ((SELECT coalesce(max(installed_rank), 0) + 1 FROM public.flyway_schema_history), %s, %s, %s, %s, %d, current_user, 0, true)`,
		version, literal(m.Name), literal(kind), literal(path.Base(s.File)), f.checksums[s.File])
}

func (f *flyway) up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Up, "", f.record(m, m.Up, "SQL"))
}

func (f *flyway) down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Down, "", f.record(m, m.Down, "UNDO_SQL"))
}

// Flyway's validation refuses a migration below the applied ones, unless
// outOfOrder is on: then it applies it.
var (
	flywayLate           = LateRule{Effect: `Flyway's validation fails on databases already at %[1]s ("Detected resolved migration not applied to database") unless outOfOrder is true`}
	flywayOutOfOrderLate = LateRule{Applied: true, Effect: "Flyway (outOfOrder=true) applies it after %[1]s on databases that already ran %[1]s, and before it on new ones"}
)
