package environment

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// EnvFileCommitted finds a real .env file that git tracks, or that
// .gitignore does not cover.
var EnvFileCommitted = &check.Check{
	Name:     "env-file-committed",
	Item:     "1.1",
	Severity: check.Important,
	Doc: `Keep the real .env out of git.

A .env file holds one machine's settings and secrets. Committed, it leaks
them to everyone with the repository and its history, and it overrides
each developer's own settings on checkout. Add ".env" to .gitignore,
remove the file from the index (git rm --cached .env) and commit a
.env.example with placeholders instead. A .env that git does not track
but that .gitignore does not cover is reported too: it is one "git add ."
away from being committed. Templates (.env.example, .env.sample) and test
settings (.env.test) are meant to be committed.`,
	Run: runEnvFileCommitted,
}

func runEnvFileCommitted(p *check.Pass) error {
	r := p.Repo
	found := false
	for _, f := range r.FilesOf(repo.KindEnv) {
		if repo.IsExampleEnv(f.Path) || repo.IsTestEnv(f.Path) || dbsite.IsFixturePath(f.Path) {
			continue
		}
		found = true
		switch {
		case r.Git && f.Tracked:
			p.Reportf(check.Location{File: f.Path, Line: 1}, "%s is committed: git tracks it; run git rm --cached %s, add it to .gitignore and commit a .env.example with placeholders", f.Path, f.Path)
		case r.Git:
			p.Reportf(check.Location{File: f.Path, Line: 1}, "%s is not covered by .gitignore: one \"git add .\" commits it; add it to .gitignore", f.Path)
		default:
			p.Reportf(check.Location{File: f.Path, Line: 1}, "%s is not covered by .gitignore, so it gets committed; add it to .gitignore and commit a .env.example instead", f.Path)
		}
	}
	if !found {
		switch ev, ok := envEvidence(r); {
		case ok:
			p.Evidence(ev.at, "%s", ev.what)
		case len(dbsite.Sites(r)) == 0:
			p.NotApplicable("no database connection and no settings read from the environment")
		default:
			p.Manual("no setting is read from the environment; the database URL and password should come from it (os.environ, pydantic-settings, os.Getenv)")
		}
	}
	return nil
}

type evidence struct {
	at   check.Location
	what string
}

// envEvidence finds where the application reads its settings from the
// environment: pydantic-settings, os.getenv/os.environ, python-dotenv,
// Go's os.Getenv.
func envEvidence(r *repo.Repo) (evidence, bool) {
	proj := r.PythonProject()
	for _, m := range r.Python() {
		for _, c := range m.Classes {
			if proj.IsSettingsClass(m, c) {
				return evidence{check.Location{File: m.Path, Line: c.Line}, "settings class " + c.Name + " reads the environment (pydantic-settings)"}, true
			}
		}
	}
	for _, m := range r.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		for _, c := range m.Calls {
			switch c.Qualified {
			case "dotenv.load_dotenv", "dotenv.dotenv_values", "os.getenv", "os.environ.get", "decouple.config":
				what := "settings are read from the environment (" + c.Callee + ")"
				if strings.HasPrefix(c.Qualified, "dotenv.") {
					what = "python-dotenv loads the .env file (" + c.Callee + ")"
				}
				return evidence{check.Location{File: m.Path, Line: c.Line}, what}, true
			}
		}
		for _, a := range m.Assigns {
			if a.Value != nil && a.Value.Kind == python.Subscript && a.Value.Left != nil && m.Resolve(a.Value.Left.Value) == "os.environ" {
				return evidence{check.Location{File: m.Path, Line: a.Line}, "settings are read from the environment (os.environ)"}, true
			}
		}
	}
	for _, gf := range r.Go() {
		if gf.Test {
			continue
		}
		if line := goGetenvLine(gf); line > 0 {
			return evidence{check.Location{File: gf.Path, Line: line}, "settings are read from the environment (os.Getenv)"}, true
		}
	}
	return evidence{}, false
}

// EnvExampleMissing finds a repository that uses a .env file but does not
// document its variables in a template.
var EnvExampleMissing = &check.Check{
	Name:     "env-example-missing",
	Item:     "1.1",
	Severity: check.Good,
	Doc: `Document the environment in a .env.example.

When settings come from a .env file that is (rightly) not committed, a
new developer or a deployment has to guess which variables exist. Commit
a .env.example (or .env.sample) listing every variable with a placeholder
value: DATABASE_URL=postgresql://app:CHANGE_ME@localhost:5432/app.`,
	Run: runEnvExampleMissing,
}

func runEnvExampleMissing(p *check.Pass) error {
	r := p.Repo
	var example *repo.File
	for _, f := range r.FilesOf(repo.KindEnv) {
		if repo.IsExampleEnv(f.Path) {
			example = f
			break
		}
	}
	if example != nil {
		p.Evidence(check.Location{File: example.Path}, "%s documents the environment", example.Path)
		return nil
	}
	use, ok := dotenvUse(r)
	if !ok {
		p.NotApplicable("the repository does not use a .env file")
		return nil
	}
	p.Reportf(use.at, "%s, but no .env.example documents the variables; commit one with placeholder values", use.what)
	return nil
}

// dotenvUse finds where the repository relies on a .env file: a .env in
// the tree, python-dotenv, pydantic's env_file, a compose env_file.
func dotenvUse(r *repo.Repo) (evidence, bool) {
	for _, f := range r.FilesOf(repo.KindEnv) {
		if !repo.IsTestEnv(f.Path) {
			return evidence{check.Location{File: f.Path, Line: 1}, "settings live in " + f.Path}, true
		}
	}
	for _, m := range r.Python() {
		for _, c := range m.Calls {
			if c.Qualified == "dotenv.load_dotenv" || c.Qualified == "dotenv.dotenv_values" {
				return evidence{check.Location{File: m.Path, Line: c.Line}, "python-dotenv loads a .env file"}, true
			}
			if e := c.Kwarg("env_file"); e != nil {
				return evidence{check.Location{File: m.Path, Line: c.Line}, "the settings read a .env file (env_file)"}, true
			}
		}
	}
	for _, cf := range r.Compose() {
		for _, s := range cf.Services {
			for _, ef := range s.EnvFiles {
				if !repo.IsExampleEnv(ef.Raw) && !repo.IsTestEnv(ef.Raw) {
					return evidence{check.Location{File: cf.Path, Line: ef.Line}, "service " + s.Name + " reads " + ef.Raw}, true
				}
			}
		}
	}
	return evidence{}, false
}
