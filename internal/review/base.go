package review

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/gittree"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
)

// baseSide is the base branch of a pull request review: its files,
// exported from git into a temporary directory, reviewed like a checkout
// so that every finding of the head can be matched against it.
type baseSide struct {
	tree *gittree.Tree
	repo *repo.Repo
	plan *migrate.Plan
	// name is how findings and the report name the base: the branch
	// ("main") or the ref as given.
	name string
}

// BaseError is a base branch that cannot be read: the review would not
// be the one asked for, so it does not run.
type BaseError struct{ Err error }

func (e *BaseError) Error() string { return e.Err.Error() }
func (e *BaseError) Unwrap() error { return e.Err }

// openBase exports opts.Base under opts.Dir and opens it as a repository.
func openBase(ctx context.Context, opts Options) (*baseSide, error) {
	tree, err := gittree.Export(ctx, opts.Dir, opts.Base, func(p string) bool { return !repo.Skipped(p) })
	if err != nil {
		return nil, &BaseError{err}
	}
	r, err := repo.OpenCommit(tree.Dir, tree.Paths)
	if err != nil {
		tree.Remove()
		return nil, &BaseError{fmt.Errorf("open the base %s: %w", opts.Base, err)}
	}
	b := &baseSide{tree: tree, repo: r, name: baseName(opts)}
	// The base's own history problems are its own; the head's config
	// decides where the history is, so both sides find the same one.
	b.plan, _ = migrate.Detect(r, migrationsConfig(opts))
	if b.plan != nil {
		// The base's migrations have all run where the base is deployed:
		// its lock hazards are history, never matched against the head's
		// (which are the pull request's alone), nor counted as fixed.
		b.plan.Base = b.history(b.plan)
	}
	opts.Log("base %s (%s): %d files", b.name, shortSHA(tree.SHA), len(r.Files()))
	return b, nil
}

// Close removes the exported files.
func (b *baseSide) Close() {
	if b != nil {
		b.tree.Remove()
	}
}

// history is the base's view of the head's migration directory, for
// migrate.Plan.Base: which migrations the base has, with what content.
func (b *baseSide) history(plan *migrate.Plan) *migrate.Base {
	files := map[string][]byte{}
	for _, p := range b.tree.Paths {
		if plan.Dir == "." || strings.HasPrefix(p, plan.Dir+"/") {
			if f := b.repo.File(p); f != nil {
				if content, err := f.Bytes(); err == nil {
					files[p] = content
				}
			}
		}
	}
	return migrate.NewBase(b.name, files)
}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// baseName is opts.BaseName, else the ref, shortened when it is a SHA.
func baseName(opts Options) string {
	switch {
	case opts.BaseName != "":
		return opts.BaseName
	case fullSHA.MatchString(opts.Base):
		return shortSHA(opts.Base)
	}
	return opts.Base
}

func shortSHA(sha string) string {
	if fullSHA.MatchString(sha) {
		return sha[:12]
	}
	return sha
}
