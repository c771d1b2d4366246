package docker

import (
	"path"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

// DBDataVolume finds a database service whose data directory is not on a
// volume, or whose volume misses the directory the image writes to.
var DBDataVolume = &check.Check{
	Name:     "db-data-volume",
	Item:     "7.2",
	Severity: check.Important,
	Doc: `Keep the database's data directory on a volume.

Without a volume on the data directory, "docker compose down" (or a
recreated container) loses every row. Where the data lives depends on the
image's major version: up to 17 the official image keeps it in
/var/lib/postgresql/data (declared as a VOLUME); from 18 on it keeps it in
/var/lib/postgresql/<major>/docker and the VOLUME is /var/lib/postgresql.
A named volume on the wrong path is silently shadowed by an anonymous one
(up to 17), or refused at start-up (18+). Mount a named volume:
"pgdata:/var/lib/postgresql/data" up to 17, "pgdata:/var/lib/postgresql"
from 18. A tmpfs on the data directory (a throwaway test database) is
fine.`,
	Run: runDBDataVolume,
}

const (
	legacyDataDir = "/var/lib/postgresql/data"
	dataRoot18    = "/var/lib/postgresql"
)

func runDBDataVolume(p *check.Pass) error {
	db := runningDB(p)
	if db == nil {
		return nil
	}
	mounts := serviceMounts(p.Repo, db.Name)
	major := repo.MajorOfImage(db.Image)
	dataDir, known := dataDirOf(db, major)
	if !known {
		p.Manual("image %s keeps its data in a place pgreview does not know; check that its data directory is on a named volume", db.Image)
		return nil
	}
	var covering, parent, legacy *mountAt
	for i := range mounts {
		m := &mounts[i]
		t := path.Clean(m.Target)
		switch {
		case t == dataDir || strings.HasPrefix(dataDir, t+"/") && (major >= 18 || t != dataRoot18):
			covering = m
		case t == dataRoot18:
			parent = m
		case t == legacyDataDir:
			legacy = m
		}
	}
	switch {
	case covering != nil && covering.Type == "tmpfs":
		p.Evidence(loc(covering.file, covering.Line), "the data directory of %s is a tmpfs: a throwaway database by design", db.Name)
	case covering != nil:
		p.Evidence(loc(covering.file, covering.Line), "%s keeps its data directory %s on %s %s", db.Name, dataDir, covering.Type, covering.Source)
	case major == 0 && (parent != nil || legacy != nil):
		// An unpinned image: either layout may be right; 7.1 asks to pin it.
		m := parent
		if m == nil {
			m = legacy
		}
		p.Evidence(loc(m.file, m.Line), "%s mounts a volume at %s", db.Name, m.Target)
	case major >= 18 && legacy != nil:
		p.Reportf(loc(legacy.file, legacy.Line), "%s runs PostgreSQL %d, which keeps its data in %s and refuses to start with a mount at %s; mount the volume at %s instead",
			db.Name, major, dataDir, legacyDataDir, dataRoot18)
	case major > 0 && major < 18 && parent != nil:
		p.Reportf(loc(parent.file, parent.Line), "%s mounts its volume at %s, but PostgreSQL %d writes to %s, which the image declares as its own anonymous volume: the data is not in %s; mount it at %s",
			db.Name, dataRoot18, major, dataDir, sourceName(parent), dataDir)
	case major == 0:
		p.Reportf(loc(db.File, db.Line), "database service %s has no volume on its data directory: the data is lost when the container is removed; pin the image's major version, then mount a named volume at /var/lib/postgresql/data (up to 17) or /var/lib/postgresql (18+)", db.Name)
	default:
		p.Reportf(loc(db.File, db.Line), "database service %s has no volume on its data directory %s: the data is lost when the container is removed; add a named volume (pgdata:%s)",
			db.Name, dataDir, suggestMount(major, dataDir))
	}
	return nil
}

func sourceName(m *mountAt) string {
	if m.Source == "" {
		return "the anonymous volume"
	}
	return m.Source
}

func suggestMount(major int, dataDir string) string {
	if major >= 18 {
		return dataRoot18
	}
	return dataDir
}

// runningDB is the compose database service that the checks about how it
// runs (its data, its resources) review; nil, with the check marked n/a,
// when there is none or it is only test configuration.
func runningDB(p *check.Pass) *repo.PostgresService {
	db := p.Repo.DBService()
	switch {
	case db == nil:
		p.NotApplicable("no Postgres service in a compose file")
	case dbsite.IsTestPath(db.File):
		p.NotApplicable("the only Postgres service is in test configuration (%s)", db.File)
		return nil
	}
	return db
}

// dataDirOf returns where the service's image keeps its data: PGDATA when
// set, else the official layout for the image's major version.
func dataDirOf(db *repo.PostgresService, major int) (string, bool) {
	if v := db.EnvValue("PGDATA"); v != "" {
		return path.Clean(v), true
	}
	ref := strings.ToLower(db.Image)
	switch {
	case strings.Contains(ref, "bitnami/postgresql"):
		return "/bitnami/postgresql", true
	case strings.Contains(ref, "timescaledb-ha"):
		return "/home/postgres/pgdata", true
	case strings.Contains(ref, "cloudnative-pg") || strings.Contains(ref, "crunchy"):
		return "", false
	}
	if major >= 18 {
		return dataRoot18 + "/" + strconv.Itoa(major) + "/docker", true
	}
	return legacyDataDir, true
}

// mountAt is a mount with the compose file it is declared in.
type mountAt struct {
	repo.Mount
	file string
}

// serviceMounts gathers a service's mounts from every compose file,
// overrides included.
func serviceMounts(r *repo.Repo, name string) []mountAt {
	var out []mountAt
	for _, cf := range r.Compose() {
		for _, s := range cf.Services {
			if s.Name != name {
				continue
			}
			for _, m := range s.Volumes {
				out = append(out, mountAt{Mount: m, file: cf.Path})
			}
		}
	}
	return out
}
