// Package serverconf reads the PostgreSQL server settings a repository
// intends for its database: `-c` flags of the compose db service's command
// and of a Postgres Dockerfile's CMD, postgresql.conf files in the repo
// (and files the db service mounts as config), and ALTER SYSTEM / ALTER
// DATABASE / ALTER ROLE ... SET in SQL and Python migrations. The review
// server's own settings are not read: they describe pgreview's throwaway
// container, not production.
package serverconf

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// Setting is one setting the repo declares, and where.
type Setting struct {
	Name  string // lower case, e.g. shared_preload_libraries
	Value string // unquoted
	// Source says how it is set: "compose command", "Dockerfile CMD",
	// "postgresql.conf", "ALTER SYSTEM", "ALTER DATABASE", "ALTER ROLE".
	Source string
	At     check.Location
}

// Settings are the declared settings, in a stable order.
type Settings []Setting

// Read collects the settings declared in the repository.
func Read(r *repo.Repo) Settings {
	var out Settings
	out = append(out, composeSettings(r)...)
	out = append(out, dockerfileSettings(r)...)
	out = append(out, confFiles(r)...)
	out = append(out, alterStatements(r)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].At.File != out[j].At.File {
			return out[i].At.File < out[j].At.File
		}
		return out[i].At.Line < out[j].At.Line
	})
	return out
}

// Named lists the settings of one parameter.
func (s Settings) Named(name string) Settings {
	var out Settings
	for _, st := range s {
		if st.Name == name {
			out = append(out, st)
		}
	}
	return out
}

// Libraries lists the settings of a library list parameter
// (shared_preload_libraries, session_preload_libraries) that load lib.
func (s Settings) Libraries(param, lib string) Settings {
	var out Settings
	for _, st := range s.Named(param) {
		for _, l := range strings.Split(st.Value, ",") {
			if strings.Trim(strings.TrimSpace(l), `"'`) == lib {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

func composeSettings(r *repo.Repo) Settings {
	db := r.DBService()
	if db == nil {
		return nil
	}
	var out Settings
	at := check.Location{File: db.File, Line: db.CommandLine}
	for k, v := range db.ServerSettings() {
		out = append(out, Setting{Name: strings.ToLower(k), Value: v, Source: "compose command", At: at})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// dashC finds `-c name=value` in a command line, quoted or not.
var dashC = regexp.MustCompile(`(?:^|[\s"'\[,])-c(?:\s+|"\s*,\s*")([A-Za-z_][A-Za-z0-9_.]*)=("[^"]*"|'[^']*'|[^\s"',\]]+)`)

func dockerfileSettings(r *repo.Repo) Settings {
	var out Settings
	for _, f := range r.FilesOf(repo.KindDockerfile) {
		postgres := false
		for i, line := range strings.Split(f.Text(), "\n") {
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			switch strings.ToUpper(fields[0]) {
			case "FROM":
				postgres = len(fields) > 1 && repo.IsPostgresImage(fields[len(fields)-1])
			case "CMD", "ENTRYPOINT":
				if !postgres {
					continue
				}
				for _, m := range dashC.FindAllStringSubmatch(line, -1) {
					out = append(out, Setting{Name: strings.ToLower(m[1]), Value: unquote(m[2]), Source: "Dockerfile CMD",
						At: check.Location{File: f.Path, Line: i + 1}})
				}
			}
		}
	}
	return out
}

// confFiles parses postgresql.conf-style files: those named like one, and
// those the db service mounts at a *.conf path.
func confFiles(r *repo.Repo) Settings {
	paths := map[string]bool{}
	for _, f := range r.FilesOf(repo.KindPGConf) {
		paths[f.Path] = true
	}
	if db := r.DBService(); db != nil {
		for _, m := range db.Volumes {
			if m.Type == "bind" && strings.HasSuffix(m.Target, ".conf") && !strings.HasSuffix(m.Target, "pg_hba.conf") {
				p := path.Clean(path.Join(path.Dir(db.File), m.Source))
				if r.File(p) != nil {
					paths[p] = true
				}
			}
		}
	}
	var names []string
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	var out Settings
	for _, p := range names {
		if strings.HasSuffix(p, "pg_hba.conf") || strings.HasSuffix(p, "pg_ident.conf") {
			continue
		}
		for i, line := range strings.Split(r.File(p).Text(), "\n") {
			if name, value, ok := confLine(line); ok {
				out = append(out, Setting{Name: name, Value: value, Source: "postgresql.conf", At: check.Location{File: p, Line: i + 1}})
			}
		}
	}
	return out
}

var confRe = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:=\s*|\s+)('(?:[^'\\]|\\.|'')*'|[^\s#]+)`)

// confLine reads `name = value  # comment`.
func confLine(line string) (name, value string, ok bool) {
	t := strings.TrimSpace(line)
	if t == "" || strings.HasPrefix(t, "#") {
		return "", "", false
	}
	m := confRe.FindStringSubmatch(line)
	if m == nil || m[1] == "include" || m[1] == "include_dir" || m[1] == "include_if_exists" {
		return "", "", false
	}
	return strings.ToLower(m[1]), unquote(m[2]), true
}

// alterSet finds ALTER SYSTEM / DATABASE / ROLE ... SET name = value in SQL
// files and Python strings (Alembic's op.execute).
var alterSet = regexp.MustCompile(`(?i)ALTER\s+(SYSTEM|DATABASE\s+\S+|ROLE\s+\S+(?:\s+IN\s+DATABASE\s+\S+)?|USER\s+\S+)\s+SET\s+([A-Za-z_][A-Za-z0-9_.]*)\s*(?:=|TO)\s*('(?:[^']|'')*'|"[^"]*"|[^\s;'"]+)`)

func alterStatements(r *repo.Repo) Settings {
	var out Settings
	for _, f := range r.FilesOf(repo.KindSQL, repo.KindPython) {
		b, err := f.Bytes()
		if err != nil || !strings.Contains(strings.ToUpper(string(b)), "SET") {
			continue
		}
		for _, m := range alterSet.FindAllSubmatchIndex(b, -1) {
			kind := strings.ToUpper(strings.Fields(string(b[m[2]:m[3]]))[0])
			if kind == "USER" {
				kind = "ROLE"
			}
			out = append(out, Setting{
				Name:   strings.ToLower(string(b[m[4]:m[5]])),
				Value:  unquote(string(b[m[6]:m[7]])),
				Source: "ALTER " + kind,
				At:     check.Location{File: f.Path, Line: repo.LineOf(b, m[0])},
			})
		}
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		s = s[1 : len(s)-1]
	}
	return strings.ReplaceAll(s, "''", "'")
}

// Describe is "shared_preload_libraries = 'pg_stat_statements' (compose command)".
func (s Setting) Describe() string {
	return s.Name + " = '" + s.Value + "' (" + s.Source + ")"
}
