package repo

import (
	"path"
)

// PostgresService is the repo's database service in compose: the one
// whose image (or whose Dockerfile's FROM) is a Postgres server. Overrides
// are merged onto their base the way Compose merges scalar fields.
type PostgresService struct {
	*Service
	// Image is the effective image reference, interpolated; for a build,
	// the FROM of its Dockerfile.
	Image string
	// FromDockerfile is set when the image comes from a build's FROM.
	FromDockerfile string
}

// DBService finds the Postgres service, or nil.
func (r *Repo) DBService() *PostgresService {
	return cached(r, "dbservice", func() *PostgresService {
		var found *PostgresService
		for _, cf := range r.Compose() {
			for _, s := range cf.Services {
				img := s.ImageRef()
				from := ""
				if img == "" && s.Build != nil {
					from = path.Clean(path.Join(path.Dir(cf.Path), s.Build.Context, s.Build.Dockerfile))
					img = r.dockerfileFrom(from)
				}
				if !IsPostgresImage(img) {
					continue
				}
				if found == nil {
					found = &PostgresService{Service: s, Image: img, FromDockerfile: from}
				} else if cf.Override && s.Name == found.Name {
					found.Image = img // an override's image wins
				}
			}
			if found != nil && !cf.Override {
				// keep looking only for overrides of the same service
				continue
			}
		}
		return found
	})
}

// dockerfileFrom returns the image of the last FROM in a Dockerfile, as
// written: ARG references stay unresolved, so the engine can say so
// (Dockerfiles()[i].Stages[j].Image has them resolved from ARG defaults).
func (r *Repo) dockerfileFrom(p string) string {
	d := r.Dockerfile(p)
	if d == nil || len(d.Stages) == 0 {
		return ""
	}
	return d.Stages[len(d.Stages)-1].RawImage
}
