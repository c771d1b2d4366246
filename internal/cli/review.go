package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks"
	"github.com/pgreview/pgreview/internal/config"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/report"
	"github.com/pgreview/pgreview/internal/review"
)

type reviewFlags struct {
	format, output, failOn, engine, databaseURL, configFile, image, migrateCommand, color string
	verbose                                                                               bool
	timeout                                                                               time.Duration
	// GitHub Actions only (see action.go).
	comment, annotations, sarifFile, reportFile string
	// Pull request reviews (see base.go).
	base, failScope string
}

func parseReviewFlags(env *Env, args []string) (*reviewFlags, string, error) {
	f := &reviewFlags{}
	fs := newFlagSet("review", env.Stderr)
	fs.StringVar(&f.format, "format", "text", "output format: text, markdown, json or sarif")
	fs.StringVar(&f.output, "output", "", "write the report to `FILE` instead of stdout")
	fs.StringVar(&f.failOn, "fail-on", "critical", "lowest severity that fails: critical, important, good, info or never")
	fs.StringVar(&f.engine, "engine", "", "auto, testcontainers, local, dsn or none (default: config, else auto)")
	fs.StringVar(&f.databaseURL, "database-url", "", "a Postgres server to create a throwaway database in (also PGREVIEW_DATABASE_URL)")
	fs.StringVar(&f.configFile, "config", "", "config `FILE` (default DIR/.pgreview.yml)")
	fs.StringVar(&f.image, "postgres-image", "", "Postgres image for testcontainers (default: the repo's compose db service, else its CI postgres service, else postgres:<major>)")
	fs.StringVar(&f.migrateCommand, "migrate-command", "", "run this command to apply migrations, with DATABASE_URL set")
	fs.StringVar(&f.base, "base", "", "review DIR as a pull request against this git `REF` (its base branch): findings the base has too are not new, only the new migrations are traced (default in GitHub Actions: the pull request's base commit; none: review everything as new)")
	fs.StringVar(&f.failScope, "fail-scope", "new", "which findings --fail-on applies to: new (absent on the base branch) or all")
	fs.StringVar(&f.color, "color", "auto", "colour in text output: auto, always or never")
	fs.BoolVar(&f.verbose, "v", false, "report progress on stderr")
	fs.DurationVar(&f.timeout, "timeout", 0, "give up after this long (default: config, else 10m)")
	fs.StringVar(&f.comment, "comment", "true", "in GitHub Actions: comment on the PR: true, false or on-failure")
	fs.StringVar(&f.annotations, "annotations", "true", "in GitHub Actions: annotate the most severe findings (true or false)")
	fs.StringVar(&f.sarifFile, "sarif-file", "", "also write the findings as SARIF to `FILE`")
	fs.StringVar(&f.reportFile, "report-file", "pgreview-report.json", "in GitHub Actions: where to write the JSON report")
	if err := fs.Parse(args); err != nil {
		return nil, "", usageError{err}
	}
	if err := actionInputs(env, fs, f); err != nil {
		return nil, "", err
	}
	if fs.NArg() > 1 {
		return nil, "", usagef("review takes one directory, got %d arguments", fs.NArg())
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if p := actionInput(env, "path"); p != "" {
		dir = p
	}
	switch f.format {
	case "text", "markdown", "json", "sarif":
	default:
		return nil, "", usagef("--format %q: want text, markdown, json or sarif", f.format)
	}
	if f.databaseURL == "" && env.Getenv != nil {
		f.databaseURL = env.Getenv("PGREVIEW_DATABASE_URL")
	}
	return f, dir, nil
}

func runReview(ctx context.Context, env *Env, args []string) int {
	f, dir, err := parseReviewFlags(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: %v\n", err)
		return ExitUsage
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(env.Stderr, "pgreview review: %s is not a directory; give the path of the repository to review\n", dir)
		return ExitUsage
	}
	all := checks.All()
	cfg, err := loadConfig(dir, f.configFile, all)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: %v\n", err)
		return ExitUsage
	}
	opts, err := reviewOptions(f, dir, cfg, all)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: %v\n", err)
		return ExitUsage
	}
	if env.Getenv != nil {
		opts.Python = env.Getenv("PGREVIEW_PYTHON")
		opts.Session = env.Getenv("PGREVIEW_SESSION")
	}
	if opts.Base, opts.BaseName, err = baseOf(ctx, env, f, dir); err != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: %v\n", err)
		return ExitUsage
	}
	if f.verbose {
		opts.Log = func(format string, args ...any) { fmt.Fprintf(env.Stderr, "pgreview: "+format+"\n", args...) }
	}
	timeout := f.timeout
	if timeout == 0 {
		timeout = cfg.Engine.Timeout
	}
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out, err := review.Run(ctx, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: %v\n", err)
		var be *review.BaseError
		if errors.As(err, &be) {
			annotateBaseError(env, be)
			return ExitUsage
		}
		return ExitNoReview
	}
	if err := writeReport(env, f, out.Report, all); err != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: write the report: %v\n", err)
		return ExitNoReview
	}
	if f.sarifFile != "" {
		if err := writeSARIF(f.sarifFile, out.Report, all); err != nil {
			fmt.Fprintf(env.Stderr, "pgreview review: write %s: %v\n", f.sarifFile, err)
			return ExitNoReview
		}
	}
	if inActions(env) {
		if err := publishToActions(ctx, env, f, dir, out.Report); err != nil {
			fmt.Fprintf(env.Stderr, "pgreview review: %v\n", err)
			return ExitNoReview
		}
	}
	return exitCode(env, ctx, out)
}

func exitCode(env *Env, ctx context.Context, out *review.Outcome) int {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		fmt.Fprintln(env.Stderr, "pgreview review: timed out; the report is incomplete (raise --timeout)")
		return ExitNoReview
	}
	if ctx.Err() != nil {
		fmt.Fprintln(env.Stderr, "pgreview review: interrupted; the report is incomplete")
		return ExitNoReview
	}
	if out.EngineErr != nil {
		fmt.Fprintf(env.Stderr, "pgreview review: %v; live checks were skipped\n", out.EngineErr)
		return ExitNoReview
	}
	if out.Report.Summary.Blocking {
		fmt.Fprintln(env.Stderr, blockingLine(out.Report))
		return ExitBlocking
	}
	return ExitOK
}

func loadConfig(dir, file string, all []*check.Check) (*config.Config, error) {
	var cfg *config.Config
	var err error
	switch {
	case file != "":
		cfg, err = config.Load(file)
	default:
		p := filepath.Join(dir, config.DefaultFile)
		if _, statErr := os.Stat(p); statErr == nil {
			cfg, err = config.Load(p)
		} else {
			cfg = config.Default()
		}
	}
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateSelectors(review.KnownSelector(all)); err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.NewSettings != nil {
			if err := cfg.DecodeSettings(c.Name, c.NewSettings()); err != nil {
				return nil, err
			}
		}
	}
	return cfg, nil
}

func reviewOptions(f *reviewFlags, dir string, cfg *config.Config, all []*check.Check) (review.Options, error) {
	failOn, err := review.ParseFailOn(f.failOn)
	if err != nil {
		return review.Options{}, err
	}
	kindName := f.engine
	if kindName == "" {
		kindName = cfg.Engine.Kind
	}
	kind, err := engine.ParseKind(kindName)
	if err != nil {
		return review.Options{}, err
	}
	scope, err := review.ParseFailScope(f.failScope)
	if err != nil {
		return review.Options{}, err
	}
	return review.Options{
		Dir: dir, Config: cfg, Checks: all, Engine: kind,
		DatabaseURL: f.databaseURL, Image: f.image, MigrateCommand: f.migrateCommand,
		FailOn: failOn, FailScope: scope, Version: Version,
	}, nil
}

func writeReport(env *Env, f *reviewFlags, r *report.Report, all []*check.Check) error {
	w := env.Stdout
	if f.output != "" {
		file, err := os.Create(f.output)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	switch f.format {
	case "json":
		return report.WriteJSON(w, r)
	case "markdown":
		return report.WriteMarkdown(w, r)
	case "sarif":
		return report.WriteSARIF(w, r, all)
	}
	return report.WriteText(w, r, report.TextOptions{Color: useColor(f.color, w, env.Getenv)})
}

func useColor(mode string, w io.Writer, getenv func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if getenv != nil && getenv("NO_COLOR") != "" {
		return false
	}
	file, ok := w.(*os.File)
	return ok && isatty.IsTerminal(file.Fd())
}
