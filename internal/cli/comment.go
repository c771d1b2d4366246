package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pgreview/pgreview/internal/github"
	"github.com/pgreview/pgreview/internal/report"
)

// runComment posts a report written by an earlier `pgreview review` (a
// fork PR's artifact) as the PR comment: `pgreview comment --report FILE
// --repo OWNER/NAME --pr N`, from a workflow_run job whose token can write.
func runComment(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("comment", env.Stderr)
	file := fs.String("report", "", "the JSON report to post (`FILE`, from pgreview review)")
	repo := fs.String("repo", "", "`OWNER/NAME` of the repository (default GITHUB_REPOSITORY)")
	pr := fs.Int("pr", 0, "the pull request `NUMBER`")
	mode := fs.String("comment", "true", "true, or on-failure: only create the comment when the report blocks")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "pgreview comment: "+format+"\n", a...)
		return code
	}
	if *repo == "" {
		*repo = env.Getenv("GITHUB_REPOSITORY")
	}
	owner, name, err := github.SplitRepo(*repo)
	switch {
	case *file == "":
		return fail(ExitUsage, "--report FILE is required")
	case err != nil:
		return fail(ExitUsage, "--repo: %v", err)
	case *pr <= 0:
		return fail(ExitUsage, "--pr N is required (a pull request number)")
	}
	cm, err := github.ParseCommentMode(*mode)
	if err != nil || cm == github.CommentNever {
		return fail(ExitUsage, "--comment %q: want true or on-failure", *mode)
	}
	r, err := report.ReadJSON(*file)
	if err != nil {
		return fail(ExitUsage, "read the report %s: %v", *file, err)
	}
	gctx, err := github.ContextFromEnv(env.Getenv)
	if err != nil {
		return fail(ExitNoReview, "%v", err)
	}
	client, err := github.NewClient(github.Config{APIURL: gctx.APIURL, Token: githubToken(env)})
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	head, err := workflowRunHeadSHA(env)
	if err != nil {
		return fail(ExitNoReview, "%v", err)
	}
	if head != "" {
		// The PR number came with an artifact a fork could write: post only
		// on the pull request whose head is the commit that was reviewed.
		if err := github.CheckPRHead(ctx, client, owner, name, *pr, head); err != nil {
			return fail(ExitNoReview, "%v", err)
		}
	}
	sticky := github.Always
	if cm == github.CommentOnFailure && !r.Summary.Blocking {
		sticky = github.UpdateOnly
	}
	svc := github.NewPullRequest(client, owner, name, *pr, commentAuthor(env))
	c, err := github.PostReport(ctx, svc, sticky, r, gctx.RunURL, *file)
	if err != nil {
		return fail(ExitNoReview, "%v", err)
	}
	if c == nil {
		fmt.Fprintf(env.Stderr, "pgreview comment: nothing blocks and there is no earlier comment on #%d: none posted\n", *pr)
		return ExitOK
	}
	wf := github.NewWorkflow(env.Getenv, env.Stdout)
	if err := wf.SetOutput("comment-url", c.URL); err != nil {
		fmt.Fprintf(env.Stderr, "pgreview comment: %v\n", err)
	}
	fmt.Fprintf(env.Stderr, "pgreview comment: review posted: %s\n", c.URL)
	return ExitOK
}

// workflowRunHeadSHA is the head commit of the run that triggered a
// workflow_run job, "" for other events.
func workflowRunHeadSHA(env *Env) (string, error) {
	if env.Getenv("GITHUB_EVENT_NAME") != "workflow_run" {
		return "", nil
	}
	path := env.Getenv("GITHUB_EVENT_PATH")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the workflow_run event (GITHUB_EVENT_PATH): %w", err)
	}
	var ev struct {
		WorkflowRun struct {
			HeadSHA string `json:"head_sha"`
		} `json:"workflow_run"`
	}
	if err := json.Unmarshal(b, &ev); err != nil || ev.WorkflowRun.HeadSHA == "" {
		return "", fmt.Errorf("the workflow_run event in %s has no workflow_run.head_sha to check the pull request against", path)
	}
	return ev.WorkflowRun.HeadSHA, nil
}
