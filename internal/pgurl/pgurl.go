// Package pgurl reads PostgreSQL connection strings leniently: URLs
// (postgresql+asyncpg://user:pw@host:5432/db?sslmode=require) and libpq
// key=value strings (host=db password=x), including ones with holes where
// a part comes from the environment. It also knows which hosts are local
// and which values are placeholders or well-known default passwords.
//
// A ConnString holds the password in memory so checks can judge it; no
// method formats it, and checks must never print it.
package pgurl

import (
	"net"
	"net/url"
	"strings"
)

// Hole stands for a part of a connection string that is not in the source
// (an environment variable, a parameter). Render values with it before
// calling Parse.
const Hole = "\x01"

// ConnString is a parsed connection string.
type ConnString struct {
	Scheme string // "postgresql", "postgresql+asyncpg", "postgres"
	// Driver is the SQLAlchemy driver of the scheme ("asyncpg",
	// "psycopg", "psycopg2"); "" when the scheme names none.
	Driver   string
	User     string
	password string
	// HasPassword: a password is written in the string (possibly a hole).
	HasPassword bool
	Hosts       []string
	Port        string
	Database    string
	Params      map[string]string
	// KeyValue: the libpq "key=value" form rather than a URL.
	KeyValue bool
}

// Password returns the password as written; Hole when it comes from
// elsewhere. Never print it.
func (c ConnString) Password() string { return c.password }

// PasswordIsHole reports whether the password is not in the source.
func (c ConnString) PasswordIsHole() bool { return strings.Contains(c.password, Hole) }

// Host is the first host, "" when none is written.
func (c ConnString) Host() string {
	if len(c.Hosts) == 0 {
		return ""
	}
	return c.Hosts[0]
}

// Param returns a query or key=value parameter.
func (c ConnString) Param(k string) (string, bool) {
	v, ok := c.Params[k]
	return v, ok
}

// schemes are the URL schemes that address Postgres.
func isPostgresScheme(s string) bool {
	base, _, _ := strings.Cut(strings.ToLower(s), "+")
	return base == "postgres" || base == "postgresql" || base == "pgsql" || base == "postgis" || base == "timescaledb" || base == "cockroachdb"
}

// Parse reads a Postgres URL or a libpq key=value string; ok is false for
// anything else (an http URL, prose).
func Parse(s string) (ConnString, bool) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "://"); i > 0 {
		if !isPostgresScheme(s[:i]) {
			return ConnString{}, false
		}
		return parseURL(s[:i], s[i+3:]), true
	}
	return parseKeyValue(s)
}

// Find returns the Postgres URLs inside a longer text (a command line, a
// YAML value), with their byte offsets.
func Find(text string) (urls []ConnString, offsets []int) {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], "://")
		if i < 0 {
			break
		}
		i += off
		start := i
		for start > 0 && isSchemeChar(text[start-1]) {
			start--
		}
		end := i + 3
		for end < len(text) && !strings.ContainsRune(" \t\n\"'`<>|;,)", rune(text[end])) {
			end++
		}
		if start < i && isPostgresScheme(text[start:i]) {
			urls = append(urls, parseURL(text[start:i], text[i+3:end]))
			offsets = append(offsets, start)
		}
		off = end
	}
	return urls, offsets
}

func isSchemeChar(c byte) bool {
	return c == '+' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func parseURL(scheme, rest string) ConnString {
	c := ConnString{Scheme: strings.ToLower(scheme), Params: map[string]string{}}
	if _, drv, ok := strings.Cut(c.Scheme, "+"); ok {
		c.Driver = drv
	}
	rest, frag, _ := strings.Cut(rest, "#")
	_ = frag
	rest, query, _ := strings.Cut(rest, "?")
	authority, db, _ := strings.Cut(rest, "/")
	c.Database = unescape(db)
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		user, pw, hasPw := strings.Cut(userinfo, ":")
		c.User = unescape(user)
		if hasPw {
			c.HasPassword = true
			c.password = unescape(pw)
		}
	}
	for _, h := range strings.Split(authority, ",") {
		host, port := splitHostPort(h)
		if host != "" {
			c.Hosts = append(c.Hosts, unescape(host))
		}
		if c.Port == "" {
			c.Port = port
		}
	}
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		c.Params[strings.ToLower(unescape(k))] = unescape(v)
	}
	// libpq also takes host (a socket directory), password... as params.
	if h, ok := c.Params["host"]; ok && len(c.Hosts) == 0 {
		c.Hosts = []string{h}
	}
	if pw, ok := c.Params["password"]; ok && !c.HasPassword {
		c.HasPassword, c.password = true, pw
	}
	return c
}

func splitHostPort(h string) (string, string) {
	if strings.HasPrefix(h, "[") {
		if end := strings.Index(h, "]"); end > 0 {
			return h[1:end], strings.TrimPrefix(h[end+1:], ":")
		}
	}
	if i := strings.LastIndex(h, ":"); i >= 0 && strings.Count(h, ":") == 1 {
		return h[:i], h[i+1:]
	}
	return h, ""
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// keyValueKeys are libpq's parameter names; a string is a key=value DSN
// when it has at least one of the distinctive ones.
var keyValueKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"sslmode": true, "connect_timeout": true, "options": true, "application_name": true,
	"sslrootcert": true, "target_session_attrs": true, "pool_max_conns": true,
}

func parseKeyValue(s string) (ConnString, bool) {
	c := ConnString{Params: map[string]string{}, KeyValue: true}
	distinctive := 0
	words := splitKV(s)
	if len(words) == 0 {
		return c, false
	}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || !keyValueKeys[k] {
			return ConnString{}, false
		}
		if k == "host" || k == "dbname" || k == "password" || k == "sslmode" || k == "hostaddr" {
			distinctive++
		}
		switch k {
		case "host", "hostaddr":
			c.Hosts = append(c.Hosts, strings.Split(v, ",")...)
		case "port":
			c.Port = v
		case "dbname":
			c.Database = v
		case "user":
			c.User = v
		case "password":
			c.HasPassword, c.password = true, v
		}
		c.Params[k] = v
	}
	return c, distinctive > 0
}

// splitKV splits "a=1 b='x y'" into words, honouring single quotes.
func splitKV(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case ch == '\'':
			quoted = !quoted
		case (ch == ' ' || ch == '\t' || ch == '\n') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(ch)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// IsLocalHost reports whether host is this machine, a socket, or a name
// that only resolves inside a private network: a compose or Kubernetes
// service name (no dots), *.local, *.internal, *.svc.cluster.local.
// Traffic to such hosts does not cross the internet, so TLS is optional.
func IsLocalHost(host string) bool {
	h := strings.ToLower(strings.TrimSpace(host))
	switch {
	case h == "" || strings.Contains(h, Hole):
		return true // not written here; nothing to judge
	case strings.HasPrefix(h, "/") || strings.HasPrefix(h, "@"):
		return true // a Unix socket directory
	case h == "localhost" || h == "host.docker.internal" || h == "0.0.0.0":
		return true
	case strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".localhost") ||
		strings.HasSuffix(h, ".svc") || strings.Contains(h, ".svc.") || strings.HasSuffix(h, ".lan"):
		return true
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast()
	}
	return !strings.Contains(h, ".")
}

// IsLoopback reports whether host is this machine (localhost, 127.x, ::1).
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSpace(host))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// IsPlaceholder reports whether a value stands in for a secret rather
// than being one: empty, an interpolation (${X}, $X, {{ x }}, %(x)s), or
// text such as CHANGE_ME, <password>, your-password, xxx, ***.
func IsPlaceholder(v string) bool {
	t := strings.TrimSpace(v)
	l := strings.ToLower(t)
	switch {
	case t == "" || strings.Contains(t, Hole):
		return true
	case strings.Contains(t, "${") || strings.HasPrefix(t, "$") || strings.Contains(t, "{{") || strings.Contains(t, "%(") || strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
		return true
	case strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">"), strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
		return true
	case strings.Trim(l, "x*.-_#?") == "":
		return true
	}
	for _, w := range []string{"change_me", "changeme", "change-me", "change_this", "replace_me", "replaceme", "replace-me",
		"your_", "your-", "yourpass", "your password", "<", "placeholder", "example", "dummy", "fixme", "todo", "set_me", "setme",
		"set-by-env", "set_by_env", "fill_me", "fillme", "redacted", "secret_here", "password_here", "passwordhere", "insert", "enter_"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// wellKnown are default or trivially guessed passwords: the official
// image's docs, tutorials and project templates use them.
var wellKnown = map[string]bool{
	"postgres": true, "password": true, "changethis": true, "changeme": true, "secret": true, "admin": true,
	"root": true, "pass": true, "test": true, "example": true, "mysecretpassword": true, "postgrespassword": true,
	"pgpassword": true, "passw0rd": true, "p@ssw0rd": true, "qwerty": true, "letmein": true, "default": true,
	"123456": true, "12345678": true, "1234": true, "dev": true, "pgadmin": true, "user": true, "app": true,
	"docker": true, "superuser": true, "postgres123": true, "password123": true, "pass123": true, "mypassword": true,
}

// IsWellKnownPassword reports whether a password is a default anyone
// would try first.
func IsWellKnownPassword(v string) bool { return wellKnown[strings.ToLower(strings.TrimSpace(v))] }

// IsPasswordKey reports whether a variable or key name holds a password
// or a secret token: POSTGRES_PASSWORD, db_pass, PGPASSWORD, DB_SECRET.
func IsPasswordKey(k string) bool {
	l := strings.ToLower(k)
	if strings.Contains(l, "password_file") || strings.HasSuffix(l, "_file") || strings.Contains(l, "hash") ||
		strings.Contains(l, "min_length") || strings.Contains(l, "length") || strings.Contains(l, "policy") || strings.Contains(l, "reset") {
		return false
	}
	for _, w := range []string{"password", "passwd", "pgpass", "_pass", "pass_", "_pwd", "pwd_"} {
		if strings.Contains(l, w) || l == "pass" || l == "pwd" {
			return true
		}
	}
	return false
}
