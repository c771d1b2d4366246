package review

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pgreview/pgreview/internal/config"
	"github.com/pgreview/pgreview/internal/repo"
)

func openRepo(t *testing.T, files map[string]string) (string, *repo.Repo) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, r
}

const composeDB = `services:
  db:
    image: postgres:14-alpine
    command: ["postgres", "-c", "max_connections=50"]
    environment:
      POSTGRES_USER: shop
      POSTGRES_DB: shop
`

const composeBuild = `services:
  db:
    build: ./docker/db
`

const ciPostgres = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      pg:
        image: postgres:13
        env:
          POSTGRES_DB: ci
`

func TestEngineOptionsChoosesTheRepoImage(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string
		flag       string
		cfg        config.Engine
		wantImage  string
		wantMajor  int
		wantSource string
		wantDB     string
	}{
		{"compose image", map[string]string{"docker-compose.yml": composeDB, ".github/workflows/ci.yml": ciPostgres}, "", config.Engine{},
			"postgres:14-alpine", 14, "from docker-compose.yml:3 (service db)", "shop"},
		{"compose build FROM", map[string]string{"compose.yaml": composeBuild, "docker/db/Dockerfile": "FROM postgres:16.4-bookworm\nRUN apt-get update\n"}, "", config.Engine{},
			"postgres:16.4-bookworm", 16, "from the FROM of docker/db/Dockerfile (service db in compose.yaml; the Dockerfile's other steps are not applied)", ""},
		{"CI service", map[string]string{".github/workflows/ci.yml": ciPostgres}, "", config.Engine{},
			"postgres:13", 13, "from .github/workflows/ci.yml:7 (job test, service pg)", "ci"},
		{"config image beats compose", map[string]string{"docker-compose.yml": composeDB}, "", config.Engine{Image: "postgis/postgis:15-3.4"},
			"postgis/postgis:15-3.4", 15, "from the config engine.image", "shop"},
		{"flag beats config", map[string]string{"docker-compose.yml": composeDB}, "postgres:17", config.Engine{Image: "postgres:15"},
			"postgres:17", 17, "from --postgres-image", "shop"},
		{"config version only", nil, "", config.Engine{Version: 15},
			"", 15, "(PostgreSQL 15 from the config engine.version)", ""},
		{"bitnami stand-in", map[string]string{"docker-compose.yml": "services:\n  db:\n    image: bitnami/postgresql:15.6.0\n"}, "", config.Engine{},
			"postgres:15", 15, "(standing in for bitnami/postgresql:15.6.0 from docker-compose.yml:3 (service db), whose entrypoint does not take the official image's POSTGRES_* variables and -c flags)", ""},
		{"unresolved FROM", map[string]string{"compose.yaml": composeBuild, "docker/db/Dockerfile": "ARG PG=16\nFROM postgres:${PG}\n"}, "", config.Engine{},
			"", 0, "(standing in for postgres:${PG} from the FROM of docker/db/Dockerfile (service db in compose.yaml; the Dockerfile's other steps are not applied), an unresolved reference)", ""},
		{"nothing declared", nil, "", config.Engine{},
			"", 0, "(the default: the repo declares no Postgres image or version)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, r := openRepo(t, tt.files)
			cfg := config.Default()
			cfg.Engine = tt.cfg
			eo := engineOptions(Options{Dir: dir, Config: cfg, Image: tt.flag}, r)
			if eo.Image != tt.wantImage || eo.Major != tt.wantMajor || eo.ImageSource != tt.wantSource || eo.Database != tt.wantDB {
				t.Fatalf("got image=%q major=%d source=%q db=%q\nwant image=%q major=%d source=%q db=%q",
					eo.Image, eo.Major, eo.ImageSource, eo.Database, tt.wantImage, tt.wantMajor, tt.wantSource, tt.wantDB)
			}
		})
	}
}

func TestEngineOptionsKeepsComposeSettingsWithAnOverride(t *testing.T) {
	dir, r := openRepo(t, map[string]string{"docker-compose.yml": composeDB})
	eo := engineOptions(Options{Dir: dir, Config: config.Default(), Image: "postgres:15"}, r)
	if eo.Settings["max_connections"] != "50" || eo.User != "shop" {
		t.Fatalf("settings=%v user=%q", eo.Settings, eo.User)
	}
}
