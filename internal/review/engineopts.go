package review

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/repo"
)

// engineOptions reads what Postgres the repo wants. The image is, in
// order: --postgres-image, engine.image in the config, the compose db
// service (its image, or its Dockerfile's FROM), a CI workflow's postgres
// service. Without one the engine runs postgres:<major>, the major from
// engine.version, else 16. Settings, user and database come from the
// compose db service, else from the CI service.
func engineOptions(opts Options, r *repo.Repo) engine.Options {
	ec := opts.Config.Engine
	eo := engine.Options{Major: ec.Version, DatabaseURL: ec.DatabaseURL, Settings: map[string]string{}, Session: opts.Session}
	if opts.DatabaseURL != "" {
		eo.DatabaseURL = opts.DatabaseURL
	}
	db, ci := r.DBService(), r.WorkflowPostgres()
	switch {
	case opts.Image != "":
		eo.Image, eo.ImageSource = opts.Image, "from --postgres-image"
	case ec.Image != "":
		eo.Image, eo.ImageSource = ec.Image, "from "+configPlace(opts, "engine.image")
	case db != nil:
		eo.Image, eo.ImageSource = db.Image, composeImageSource(db)
	case ci != nil:
		eo.Image = ci.Image.Raw
		eo.ImageSource = fmt.Sprintf("from %s:%d (job %s, service %s)", ci.File, ci.Image.Line, ci.Job, ci.Name)
	case ec.Version > 0:
		eo.ImageSource = fmt.Sprintf("(PostgreSQL %d from %s)", ec.Version, configPlace(opts, "engine.version"))
	default:
		eo.ImageSource = "(the default: the repo declares no Postgres image or version)"
	}
	switch {
	case db != nil:
		eo.Settings = db.ServerSettings()
		eo.User = db.EnvValue("POSTGRES_USER")
		eo.Database = db.EnvValue("POSTGRES_DB")
	case ci != nil:
		eo.User = plainValue(ci.EnvValue("POSTGRES_USER"))
		eo.Database = plainValue(ci.EnvValue("POSTGRES_DB"))
	}
	if eo.Major == 0 {
		eo.Major = repo.MajorOfImage(eo.Image)
	}
	if why := unusableImage(eo.Image); why != "" {
		declared := eo.Image
		eo.Image = ""
		if eo.Major > 0 {
			eo.Image = fmt.Sprintf("postgres:%d", eo.Major)
		}
		eo.ImageSource = fmt.Sprintf("(standing in for %s %s, %s)", declared, eo.ImageSource, why)
	}
	return eo
}

// unusableImage says why the engine cannot run a declared image as the
// official postgres image, or "" when it can.
func unusableImage(ref string) string {
	switch {
	case ref == "":
		return ""
	case strings.ContainsAny(ref, "$ \t"):
		return "an unresolved reference"
	}
	name, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	for _, family := range []string{"bitnami/postgresql", "bitnamilegacy/postgresql", "cloudnative-pg/postgresql"} {
		if name == family || strings.HasSuffix(name, "/"+family) {
			return "whose entrypoint does not take the official image's POSTGRES_* variables and -c flags"
		}
	}
	return ""
}

func composeImageSource(db *repo.PostgresService) string {
	if db.FromDockerfile != "" {
		return fmt.Sprintf("from the FROM of %s (service %s in %s; the Dockerfile's other steps are not applied)", db.FromDockerfile, db.Name, db.File)
	}
	return fmt.Sprintf("from %s:%d (service %s)", db.File, db.Service.Image.Line, db.Name)
}

// configPlace is "file:line key" for a config key, or the default name.
func configPlace(opts Options, key string) string {
	file := opts.Config.File
	if file == "" {
		return "the config " + key
	}
	file = filepath.ToSlash(file)
	if rel, err := filepath.Rel(opts.Dir, opts.Config.File); err == nil && !strings.HasPrefix(rel, "..") {
		file = filepath.ToSlash(rel)
	}
	if line := opts.Config.Line(key); line > 0 {
		return fmt.Sprintf("%s:%d %s", file, line, key)
	}
	return file + " " + key
}

// plainValue drops values that are ${{ expressions }} evaluated by Actions.
func plainValue(v string) string {
	if strings.Contains(v, "${{") {
		return ""
	}
	return v
}
