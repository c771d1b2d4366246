package config

import (
	"fmt"
	"net/url"
	"strings"
)

var (
	engineKinds = []string{"auto", "testcontainers", "local", "dsn", "none"}
	severities  = []string{"critical", "important", "good", "info"}
)

// MigrationTools lists the accepted values of migrations.tool. It is set
// by the migrate package's list so the two never disagree.
var MigrationTools []string

func (c *Config) validate() error {
	if c.Version != 1 {
		return c.Errorf("version", "version must be 1 (got %d); add `version: 1` at the top", c.Version)
	}
	for name, sev := range c.Checks.Severity {
		if !oneOf(sev, severities) {
			return c.Errorf("checks.severity."+name, "severity of %s is %q; want one of %s", name, sev, strings.Join(severities, ", "))
		}
	}
	for i, e := range c.Exclusions {
		p := fmt.Sprintf("exclusions[%d]", i)
		if strings.TrimSpace(e.Reason) == "" {
			return c.Errorf(p, "exclusion needs a reason: say why these findings do not apply")
		}
		if len(e.Checks) == 0 && len(e.Paths) == 0 && len(e.Objects) == 0 {
			return c.Errorf(p, "exclusion matches nothing: give checks, paths or objects")
		}
	}
	if c.Engine.Kind != "" && !oneOf(c.Engine.Kind, engineKinds) {
		return c.Errorf("engine.kind", "engine.kind is %q; want one of %s", c.Engine.Kind, strings.Join(engineKinds, ", "))
	}
	if c.Engine.Version != 0 && (c.Engine.Version < 9 || c.Engine.Version > 30) {
		return c.Errorf("engine.version", "engine.version is %d; want a Postgres major version such as 15", c.Engine.Version)
	}
	if c.Engine.DatabaseURL != "" {
		if u, err := url.Parse(c.Engine.DatabaseURL); err != nil || u.Host == "" {
			return c.Errorf("engine.database-url", "engine.database-url is not a postgres:// URL")
		}
	}
	if c.Engine.Timeout < 0 {
		return c.Errorf("engine.timeout", "engine.timeout must be positive")
	}
	if c.Migrations.Tool != "" && len(MigrationTools) > 0 && !oneOf(c.Migrations.Tool, MigrationTools) {
		return c.Errorf("migrations.tool", "migrations.tool is %q; want one of %s", c.Migrations.Tool, strings.Join(MigrationTools, ", "))
	}
	return nil
}

// ValidateSelectors checks every check selector against known, which
// says whether a selector names a check, an item or an area.
func (c *Config) ValidateSelectors(known func(string) bool) error {
	lists := []struct {
		key  string
		list []string
	}{{"checks.enable", c.Checks.Enable}, {"checks.disable", c.Checks.Disable}}
	for _, l := range lists {
		for i, s := range l.list {
			if !known(s) {
				return c.Errorf(fmt.Sprintf("%s[%d]", l.key, i), "%s: %q is not a check, item or area; `pgreview checks` lists them", l.key, s)
			}
		}
	}
	for name := range c.Checks.Severity {
		if !known(name) {
			return c.Errorf("checks.severity."+name, "checks.severity: %q is not a check; `pgreview checks` lists them", name)
		}
	}
	for name := range c.Settings {
		if !known(name) {
			return c.Errorf("settings."+name, "settings: %q is not a check; `pgreview checks` lists them", name)
		}
	}
	for i, e := range c.Exclusions {
		for j, s := range e.Checks {
			if !known(s) {
				return c.Errorf(fmt.Sprintf("exclusions[%d].checks[%d]", i, j), "exclusion names %q, which is not a check or item", s)
			}
		}
	}
	return nil
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
