package production

import (
	"path"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }

// hit is a line that matched, with what matched.
type hit struct {
	File, Text, Match string
	Line              int
	Heading           string // for documentation: the section the line is in
}

func (h hit) at() check.Location { return at(h.File, h.Line) }

// operational reports whether a file can run or schedule something:
// scripts, Makefiles, crontabs, CI workflows, compose files, Dockerfiles,
// Kubernetes and Helm YAML, Terraform.
func operational(f *repo.File) bool {
	switch f.Kind {
	case repo.KindShell, repo.KindCompose, repo.KindDockerfile, repo.KindYAML:
		return true
	case repo.KindOther:
		base := strings.ToLower(path.Base(f.Path))
		switch path.Ext(base) {
		case ".tf", ".hcl", ".tfvars", ".cron", ".conf", ".ps1":
			return true
		}
		return base == "makefile" || base == "justfile" || base == "crontab" || base == "procfile" || base == "taskfile.yml"
	}
	return false
}

// grepOperational finds lines of operational files that match re,
// skipping comments and test fixtures.
func grepOperational(r *repo.Repo, re *regexp.Regexp) []hit {
	var out []hit
	for _, f := range r.Files() {
		if !operational(f) || dbsite.IsTestPath(f.Path) {
			continue
		}
		for i, line := range strings.Split(f.Text(), "\n") {
			line = trailingComment.ReplaceAllString(line, "")
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
				continue
			}
			if m := re.FindString(line); m != "" {
				out = append(out, hit{File: f.Path, Text: t, Match: m, Line: i + 1})
			}
		}
	}
	return out
}

// trailingComment is a shell, YAML or HCL comment after code.
var trailingComment = regexp.MustCompile(`\s+(#|//)\s.*$`)

// htmlComment is not part of the rendered documentation.
var htmlComment = regexp.MustCompile(`<!--.*?-->`)

// grepWorkflows finds the run steps of GitHub workflows that match re;
// with scheduled, only in workflows that run on a schedule or by hand
// (a pg_dump in a pull-request build is not a backup).
func grepWorkflows(r *repo.Repo, re *regexp.Regexp, scheduled bool) []hit {
	var out []hit
	for _, w := range r.Workflows() {
		if scheduled && !runsOnSchedule(w) {
			continue
		}
		for _, job := range w.Jobs {
			for _, st := range job.Steps {
				for _, line := range strings.Split(st.Run.Raw, "\n") {
					line = trailingComment.ReplaceAllString(line, "")
					if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
						if m := re.FindString(line); m != "" {
							out = append(out, hit{File: w.Path, Text: t, Match: m, Line: st.Run.Line})
							break
						}
					}
				}
			}
		}
	}
	return out
}

func runsOnSchedule(w *repo.Workflow) bool {
	for _, on := range w.On {
		if on == "schedule" || on == "workflow_dispatch" {
			return true
		}
	}
	return false
}

// negation marks documentation that says something is missing.
var negation = regexp.MustCompile(`(?i)\b(no|not|never|none|without|todo|tbd|missing|lack|don't|do not|doesn't|does not|isn't|aren't|won't|yet to)\b`)

// grepDocs finds documentation lines that match re and do not deny it
// ("we have no backups yet").
func grepDocs(r *repo.Repo, re *regexp.Regexp) []hit {
	var out []hit
	for _, d := range r.Docs() {
		if dbcode.IsReleaseNotes(d.Path) {
			continue
		}
		for _, m := range d.Grep(re) {
			text := htmlComment.ReplaceAllString(m.Text, "")
			if !re.MatchString(text) || negation.MatchString(text) {
				continue
			}
			h := hit{File: d.Path, Text: strings.TrimSpace(text), Match: re.FindString(text), Line: m.N}
			if m.Heading != nil {
				h.Heading = m.Heading.Text
			}
			out = append(out, h)
		}
	}
	return out
}

// runsDatabase says where the repository shows that it runs a database
// of its own: a compose service, or application code that connects to a
// schema the repository defines (migrations, ORM models). A driver, a
// migration tool or a CLI that connects to other people's databases has
// nothing of its own to back up, and neither has a repository whose only
// database is its tests'.
func runsDatabase(p *check.Pass) (check.Location, bool) {
	r := p.Repo
	if db := r.DBService(); db != nil {
		return at(db.File, db.Line), true
	}
	if p.Migrations == nil && len(dbcode.PythonIndex(r).Models) == 0 {
		return check.Location{}, false
	}
	for _, s := range dbsite.AppSites(r) {
		if !dbcode.IsExample(s.File) {
			return at(s.File, s.Line), true
		}
	}
	return check.Location{}, false
}

// notRunning marks the check n/a when the repository runs no database.
func notRunning(p *check.Pass) bool {
	if _, ok := runsDatabase(p); ok {
		return false
	}
	if !dbcode.NoDatabase(p) {
		p.NotApplicable("the repository runs no database of its own: no compose database service, and no application code that connects to a schema the repository defines")
	}
	return true
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:77] + "…"
	}
	return s
}
