package cli

import (
	"context"
	"fmt"

	"github.com/pgreview/pgreview/internal/github"
	"github.com/pgreview/pgreview/internal/gittree"
	"github.com/pgreview/pgreview/internal/review"
)

// noBase turns the pull request review off: every finding is new.
const noBase = "none"

// baseOf is the git ref a review compares with, and its name: --base (or
// the action's base input), else in GitHub Actions the pull request's
// base commit from the event payload, named after its branch. A directory
// that is not a git checkout at all (a downloaded tarball) has no history
// to compare with: it is reviewed alone, and the user told so.
func baseOf(ctx context.Context, env *Env, f *reviewFlags, dir string) (ref, name string, err error) {
	switch {
	case f.base == noBase:
		return "", "", nil
	case f.base != "":
		return f.base, "", nil
	case !inActions(env):
		return "", "", nil
	}
	gctx, err := github.ContextFromEnv(env.Getenv)
	if err != nil {
		return "", "", err
	}
	if gctx.PR == 0 || gctx.BaseSHA == "" {
		return "", "", nil // a push or a scheduled run: the repository alone
	}
	if !gittree.InWorkTree(ctx, dir) {
		fmt.Fprintf(env.Stderr, "pgreview: %s is not a git checkout: the pull request is reviewed as a whole repository and every finding counts as new (check the repository out with actions/checkout and fetch-depth: 0 to review the change against its base)\n", dir)
		return "", "", nil
	}
	return gctx.BaseSHA, gctx.BaseRef, nil
}

// annotateBaseError puts a missing base where Actions users look first.
func annotateBaseError(env *Env, err *review.BaseError) {
	if !inActions(env) {
		return
	}
	wf := github.NewWorkflow(env.Getenv, env.Stdout)
	wf.Annotate(github.Annotation{Level: "error", Title: "pgreview needs the pull request's base commit",
		Message: fmt.Sprintf("%v. Or set the action's base input to none to review the whole repository as new.", err)})
}
