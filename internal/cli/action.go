package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/github"
	"github.com/pgreview/pgreview/internal/report"
)

// inActions reports whether pgreview runs as a GitHub Actions step.
func inActions(env *Env) bool { return env.Getenv != nil && env.Getenv("GITHUB_ACTIONS") == "true" }

// actionInput reads an action input (INPUT_NAME) inside Actions.
func actionInput(env *Env, name string) string {
	if !inActions(env) {
		return ""
	}
	return github.NewWorkflow(env.Getenv, env.Stdout).Input(name)
}

// reviewInputs maps action inputs to the review flags they default.
func reviewInputs(f *reviewFlags) map[string]*string {
	return map[string]*string{
		"fail-on": &f.failOn, "engine": &f.engine, "database-url": &f.databaseURL,
		"config": &f.configFile, "postgres-image": &f.image, "migrate-command": &f.migrateCommand,
		"comment": &f.comment, "annotations": &f.annotations, "sarif-file": &f.sarifFile,
		"base": &f.base, "fail-scope": &f.failScope,
	}
}

// actionInputs fills the flags not given on the command line from the
// action's inputs, so action.yml and a plain `run: pgreview review` agree.
func actionInputs(env *Env, fs *flag.FlagSet, f *reviewFlags) error {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	for name, p := range reviewInputs(f) {
		if v := actionInput(env, name); v != "" && !set[name] {
			*p = v
		}
	}
	if _, err := github.ParseCommentMode(f.comment); err != nil {
		return usagef("--%v", err)
	}
	if f.annotations != "true" && f.annotations != "false" {
		return usagef("--annotations %q: want true or false", f.annotations)
	}
	return nil
}

// githubToken is the github-token input, else GITHUB_TOKEN.
func githubToken(env *Env) string {
	if t := actionInput(env, "github-token"); t != "" {
		return t
	}
	return env.Getenv("GITHUB_TOKEN")
}

// commentAuthor is the login our comments are made by, when known
// without asking GitHub: PGREVIEW_COMMENT_AUTHOR (a GitHub App's
// "app[bot]"), or github-actions[bot] when action.yml says the token is
// the workflow's own.
func commentAuthor(env *Env) string {
	if a := env.Getenv("PGREVIEW_COMMENT_AUTHOR"); a != "" {
		return a
	}
	if env.Getenv("PGREVIEW_TOKEN_IS_ACTIONS") == "true" {
		return github.ActionsBot
	}
	return ""
}

// publishToActions writes the JSON report first, then the step summary,
// outputs, annotations and the PR comment. Failing to comment is a
// warning: the review's verdict, not GitHub's API, decides the exit code.
func publishToActions(ctx context.Context, env *Env, f *reviewFlags, dir string, r *report.Report) error {
	if err := writeJSONFile(f.reportFile, r); err != nil {
		return fmt.Errorf("write %s: %w", f.reportFile, err)
	}
	gctx, err := github.ContextFromEnv(env.Getenv)
	if err != nil {
		return err
	}
	wf := github.NewWorkflow(env.Getenv, env.Stdout)
	mode, _ := github.ParseCommentMode(f.comment)
	pub := github.Publication{
		Report: r, Context: gctx, Workflow: wf, Comment: mode,
		Annotate: f.annotations == "true", ReportPath: f.reportFile, Log: env.Stderr,
	}
	if gctx.BaseSHA != "" && pub.Annotate && len(r.Findings) > 0 {
		changed, err := github.ChangedLinesFromGit(ctx, dir, gctx.BaseSHA)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pgreview: annotations are not focused on changed lines: %v\n", err)
		}
		pub.Changed = changed
	}
	if token := githubToken(env); token != "" {
		pub.NewService = func() (github.CommentService, error) {
			c, err := github.NewClient(github.Config{APIURL: gctx.APIURL, Token: token})
			if err != nil {
				return nil, err
			}
			return github.NewPullRequest(c, gctx.Owner, gctx.Repo, gctx.PR, commentAuthor(env)), nil
		}
	}
	url, err := github.Publish(ctx, pub)
	switch {
	case err != nil:
		fmt.Fprintf(env.Stderr, "pgreview: could not comment on the pull request: %v. The review is in the step summary and %s\n", err, f.reportFile)
		wf.Annotate(github.Annotation{Level: "warning", Title: "pgreview could not comment", Message: err.Error()})
	case url != "":
		fmt.Fprintf(env.Stderr, "pgreview: review posted: %s\n", url)
	}
	return nil
}

// blockingLine is the one line that says why the job fails.
func blockingLine(r *report.Report) string {
	why := strings.Join(r.BlockingReasons, "; ")
	if why == "" {
		why = "findings at or above fail-on " + r.FailOn
	}
	for _, f := range r.Findings {
		if f.Severity >= failOnSeverity(r.FailOn) && r.BlocksScope(f) {
			where := f.Location.String()
			if where != "" {
				where = " at " + where
			}
			return fmt.Sprintf("pgreview: blocking the merge: %s; worst: %s%s: %s", why, f.Check, where, f.Message)
		}
	}
	return "pgreview: blocking the merge: " + why
}

func failOnSeverity(s string) check.Severity {
	sev, _ := check.ParseSeverity(s)
	return sev
}

func writeJSONFile(path string, r *report.Report) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.WriteJSON(file, r); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

func writeSARIF(path string, r *report.Report, all []*check.Check) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.WriteSARIF(file, r, all); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
