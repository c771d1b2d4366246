package migrate

import (
	"path"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/repo"
)

// flywayConfig is what the repo tells Flyway, wherever it says it:
// flyway.conf and .properties (flyway.x=..., Spring's spring.flyway.x=...),
// flyway.toml ([flyway] and [flyway.placeholders]), FLYWAY_X variables
// (compose, .env, workflows), a -x=... command line, Maven and Gradle.
type flywayConfig struct {
	outOfOrder    bool
	noReplacement bool              // placeholderReplacement=false
	placeholders  map[string]string // name: value
}

var (
	flywayOutOfOrder = regexp.MustCompile(`(?i)(?:outOfOrder\s*[=:]\s*["']?true|FLYWAY_OUT_OF_ORDER\s*[=:]\s*["']?true|<outOfOrder>\s*true)`)
	flywayNoReplace  = regexp.MustCompile(`(?i)(?:placeholderReplacement\s*[=:]\s*["']?false|FLYWAY_PLACEHOLDER_REPLACEMENT\s*[=:]\s*["']?false|<placeholderReplacement>\s*false)`)
	// flyway.placeholders.name=value (conf, properties, -placeholders.name=)
	flywayPlaceholderKey = regexp.MustCompile(`(?m)^\s*-?(?:spring\.)?(?:flyway\.)?placeholders\.([A-Za-z0-9_.:-]+)\s*[=:]\s*(.*?)\s*$`)
	// FLYWAY_PLACEHOLDERS_NAME=value: Flyway takes the name in lower case.
	flywayPlaceholderEnv = regexp.MustCompile(`FLYWAY_PLACEHOLDERS_([A-Za-z0-9_]+)["']?\s*[=:]\s*["']?([^"'\s]*)`)
	tomlSection          = regexp.MustCompile(`^\s*\[([^\]]+)\]\s*$`)
	tomlKey              = regexp.MustCompile(`^\s*([A-Za-z0-9_.:"-]+)\s*=\s*(.*?)\s*$`)
)

// flywayConfigExts are the files that can carry Flyway settings.
var flywayConfigExts = []string{".conf", ".toml", ".properties", ".yml", ".yaml", ".env", ".sh", ".xml", ".gradle", ".kts", "Makefile", "Dockerfile"}

func readFlywayConfig(r *repo.Repo) flywayConfig {
	c := flywayConfig{placeholders: map[string]string{}}
	for _, f := range r.Files() {
		if !hasAnySuffix(f.Path, flywayConfigExts) {
			continue
		}
		text := f.Text()
		if !strings.Contains(strings.ToLower(text), "flyway") && path.Ext(f.Path) != ".toml" {
			continue
		}
		c.outOfOrder = c.outOfOrder || flywayOutOfOrder.MatchString(text)
		c.noReplacement = c.noReplacement || flywayNoReplace.MatchString(text)
		for _, m := range flywayPlaceholderKey.FindAllStringSubmatch(text, -1) {
			c.set(m[1], m[2])
		}
		for _, m := range flywayPlaceholderEnv.FindAllStringSubmatch(text, -1) {
			c.set(strings.ToLower(m[1]), m[2])
		}
		if path.Ext(f.Path) == ".toml" {
			c.readTOML(text)
		}
	}
	return c
}

// readTOML takes flyway.toml's [flyway.placeholders] table (and the
// placeholders.name keys of [flyway]).
func (c *flywayConfig) readTOML(text string) {
	section := ""
	for _, line := range strings.Split(text, "\n") {
		if m := tomlSection.FindStringSubmatch(line); m != nil {
			section = strings.TrimSpace(m[1])
			continue
		}
		m := tomlKey.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key := strings.Trim(m[1], `"`)
		switch {
		case strings.HasSuffix(section, "flyway.placeholders"):
			c.set(key, m[2])
		case strings.HasSuffix(section, "flyway") && strings.HasPrefix(key, "placeholders."):
			c.set(strings.TrimPrefix(key, "placeholders."), m[2])
		}
	}
}

// set records a placeholder's value; one that Flyway reads from the
// environment at run time (${X}) is not known here, and stays missing.
func (c *flywayConfig) set(name, value string) {
	value = strings.Trim(strings.TrimSpace(value), `"'`)
	if strings.Contains(value, "${") {
		return
	}
	c.placeholders[name] = value
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
