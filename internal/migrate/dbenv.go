package migrate

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pgreview/pgreview/internal/repo"
)

// redactURL removes the password of rawURL from s.
func redactURL(s, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return s
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		s = strings.ReplaceAll(s, pw, "***")
		s = strings.ReplaceAll(s, url.QueryEscape(pw), "***")
	}
	return s
}

// sqlalchemyURL is the review database's URL with the repo's driver:
// postgresql+psycopg://...; asyncpg takes no libpq query parameters.
func sqlalchemyURL(raw, driver string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = "postgresql"
	if driver != "" {
		u.Scheme += "+" + driver
	}
	if driver == "asyncpg" {
		u.RawQuery = ""
	}
	return u.String()
}

var (
	saDriver     = regexp.MustCompile(`postgres(?:ql)?\+(\w+)://`)
	envURLVarRef = regexp.MustCompile(`(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*['"]([A-Z][A-Z0-9_]*)['"]`)
)

// alembicDriverOf finds the SQLAlchemy driver the repo uses: from
// alembic.ini, the .env files, the Python code, then the requirements.
func alembicDriverOf(r *repo.Repo, ini alembicIni) string {
	if m := saDriver.FindStringSubmatch(ini.URL); m != nil {
		return m[1]
	}
	for _, ef := range r.EnvFiles() {
		for _, key := range []string{"DATABASE_URL", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_DATABASE_URL", "DB_URL"} {
			if v, ok := ef.Lookup(key); ok {
				if m := saDriver.FindStringSubmatch(v); m != nil {
					return m[1]
				}
			}
		}
	}
	for _, f := range r.FilesOf(repo.KindPython) {
		if m := saDriver.FindStringSubmatch(f.Text()); m != nil {
			return m[1]
		}
	}
	switch {
	case r.HasDependency("asyncpg"):
		return "asyncpg"
	case r.HasDependency("psycopg", "psycopg-binary", "psycopg-c"):
		return "psycopg"
	case r.HasDependency("psycopg2", "psycopg2-binary"):
		return "psycopg2"
	}
	return ""
}

// alembicURLVars are the environment variables env.py reads that look
// like database URLs (DATABASE_URL, DB_DSN, ...), so they point at us.
func alembicURLVars(r *repo.Repo, ini alembicIni) []string {
	vars := map[string]bool{"DATABASE_URL": true}
	envPy := path.Join(path.Dir(ini.Versions), "env.py")
	if f := r.File(envPy); f != nil {
		for _, m := range envURLVarRef.FindAllStringSubmatch(f.Text(), -1) {
			name := m[1]
			if strings.Contains(name, "URL") || strings.Contains(name, "DSN") || strings.Contains(name, "URI") {
				vars[name] = true
			}
		}
	}
	var out []string
	for v := range vars {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// databaseEnv points every usual variable at the review database: the
// URL variables (with the repo's driver), libpq's PG* and the postgres
// image's POSTGRES_*.
func databaseEnv(raw, saURL string, urlVars []string) []string {
	var env []string
	for _, v := range urlVars {
		env = append(env, v+"="+saURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return env
	}
	user := u.User.Username()
	pw, _ := u.User.Password()
	db := strings.TrimPrefix(u.Path, "/")
	env = append(env,
		"PGHOST="+u.Hostname(), "PGPORT="+u.Port(), "PGUSER="+user, "PGPASSWORD="+pw, "PGDATABASE="+db,
		"POSTGRES_HOST="+u.Hostname(), "POSTGRES_PORT="+u.Port(), "POSTGRES_USER="+user, "POSTGRES_PASSWORD="+pw, "POSTGRES_DB="+db)
	return env
}

// alembicIniCopy is the repo's alembic.ini with our sqlalchemy.url (and
// %(here)s pointing at the repo's directory, since the copy lives in a
// temporary one).
func alembicIniCopy(text, saURL, here string) string {
	esc := strings.ReplaceAll(saURL, "%", "%%")
	lines := strings.Split(text, "\n")
	in, done := false, false
	for i, line := range lines {
		if m := iniSection.FindStringSubmatch(line); m != nil {
			if in && !done {
				lines[i] = "sqlalchemy.url = " + esc + "\n" + line
				done = true
			}
			in = m[1] == "alembic"
			continue
		}
		if in && !done {
			if m := iniKey.FindStringSubmatch(line); m != nil && m[1] == "sqlalchemy.url" {
				lines[i] = "sqlalchemy.url = " + esc
				done = true
			}
		}
		lines[i] = strings.ReplaceAll(lines[i], "%(here)s", strings.ReplaceAll(here, "%", "%%"))
	}
	out := strings.Join(lines, "\n")
	if !done {
		out += "\nsqlalchemy.url = " + esc + "\n"
	}
	return out
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
