package docker

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// UnpinnedPostgresImage finds Postgres images without a major version.
var UnpinnedPostgresImage = &check.Check{
	Name:     "unpinned-postgres-image",
	Item:     "7.1",
	Severity: check.Important,
	Doc: `Pin the Postgres image to a major version.

"postgres", "postgres:latest" or "postgres:alpine" move to the next major
version when it is released. A major upgrade needs pg_upgrade or a dump and
restore: a container that starts on a newer major refuses the old data
directory, and development quietly drifts from production. Pin the major
(postgres:16 or postgres:16.4-bookworm), or a digest.`,
	Run: runUnpinnedPostgresImage,
}

func runUnpinnedPostgresImage(p *check.Pass) error {
	seen := false
	for _, cf := range p.Repo.Compose() {
		for _, s := range cf.Services {
			ref := s.ImageRef()
			if s.Image.Raw == "" || !repo.IsPostgresImage(ref) {
				continue
			}
			seen = true
			if why := unpinned(ref); why != "" {
				p.Reportf(check.Location{File: s.File, Line: s.Image.Line},
					"service %s uses image %q, %s; pin a major version such as %s", s.Name, ref, why, suggest(ref))
			}
		}
	}
	for _, d := range p.Repo.Dockerfiles() {
		for _, st := range d.Stages {
			if !repo.IsPostgresImage(st.Image) {
				continue
			}
			seen = true
			if why := unpinned(st.Image); why != "" {
				p.Reportf(check.Location{File: d.Path, Line: st.Line},
					"FROM %s: the Postgres base image %s; pin a major version such as %s", st.Image, why, suggest(st.Image))
			}
		}
	}
	if !seen {
		p.NotApplicable("no Postgres image in compose files or Dockerfiles")
	}
	return nil
}

// unpinned says why an image reference does not fix the major version, or
// returns "" when it does.
func unpinned(ref string) string {
	if strings.Contains(ref, "@sha256:") {
		return ""
	}
	name := ref
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		name = ref[i+1:]
	}
	_, tag, hasTag := strings.Cut(name, ":")
	switch {
	case !hasTag:
		return "which is the moving latest tag"
	case tag == "latest":
		return "the moving latest tag"
	case repo.MajorOfImage(ref) == 0:
		return "a tag without a version (" + tag + ")"
	}
	return ""
}

func suggest(ref string) string {
	base, _, _ := strings.Cut(ref, ":")
	return base + ":16"
}
