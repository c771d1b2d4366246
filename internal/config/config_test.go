package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseFull(t *testing.T) {
	cfg, err := Parse(".pgreview.yml", []byte(`version: 1
checks:
  disable: [docker, 5.4]
  enable: [no-healthcheck]
  severity:
    fk-without-index: critical
settings:
  no-primary-key:
    allow: [public.events]
exclusions:
  - checks: [fk-without-index]
    objects: [public.audit_*]
    reason: append-only audit log, never deleted from
engine:
  kind: local
  image: postgres:15-alpine
  version: 15
  timeout: 5m
migrations:
  tool: golang-migrate
  dir: db/migrations
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Engine.Timeout != 5*time.Minute || cfg.Engine.Version != 15 || cfg.Checks.Severity["fk-without-index"] != "critical" {
		t.Fatalf("parsed %+v", cfg)
	}
	if cfg.Line("exclusions[0]") != 11 || cfg.Line("checks.disable[1]") != 3 {
		t.Fatalf("lines: exclusions[0]=%d disable[1]=%d", cfg.Line("exclusions[0]"), cfg.Line("checks.disable[1]"))
	}
	var s struct {
		Allow []string `yaml:"allow"`
	}
	if err := cfg.DecodeSettings("no-primary-key", &s); err != nil || len(s.Allow) != 1 {
		t.Fatalf("settings: %v %v", s, err)
	}
	var wrong struct {
		Other int `yaml:"other"`
	}
	if err := cfg.DecodeSettings("no-primary-key", &wrong); err == nil || !strings.Contains(err.Error(), ".pgreview.yml:8") {
		t.Fatalf("unknown setting key: %v", err)
	}
}

func TestParseErrorsNameKeyAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown top key", "version: 1\nchecks:\n  disable: []\nengin:\n  kind: local\n", `.pgreview.yml:4: unknown key "engin" in the top level`},
		{"unknown nested key", "version: 1\nengine:\n  imag: postgres:15\n", `.pgreview.yml:3: unknown key "imag" in ` + "`engine`"},
		{"bad severity", "version: 1\nchecks:\n  severity:\n    fk-without-index: urgent\n", `.pgreview.yml:4: severity of fk-without-index is "urgent"`},
		{"no reason", "version: 1\nexclusions:\n  - checks: [x]\n", `.pgreview.yml:3: exclusion needs a reason`},
		{"bad version", "version: 2\n", `.pgreview.yml:1: version must be 1`},
		{"bad type", "version: 1\nengine:\n  version: fifteen\n", `.pgreview.yml:3: cannot unmarshal`},
		{"bad duration", "version: 1\nengine:\n  timeout: soon\n", `.pgreview.yml:3:`},
		{"broken yaml", "version: 1\nchecks: [\n", `.pgreview.yml:`},
		{"bad engine", "version: 1\nengine:\n  kind: podman\n", `.pgreview.yml:3: engine.kind is "podman"`},
		{"empty", "", `empty file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(".pgreview.yml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestValidateSelectors(t *testing.T) {
	cfg, err := Parse(".pgreview.yml", []byte("version: 1\nchecks:\n  disable:\n    - fk-without-index\n    - fk-without-indx\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.ValidateSelectors(func(s string) bool { return s == "fk-without-index" })
	if err == nil || !strings.Contains(err.Error(), `.pgreview.yml:5: checks.disable: "fk-without-indx"`) {
		t.Fatalf("got %v", err)
	}
}
