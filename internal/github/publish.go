package github

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/pgreview/pgreview/internal/report"
)

// CommentMode is the action's `comment` input.
type CommentMode string

const (
	CommentAlways    CommentMode = "true"
	CommentNever     CommentMode = "false"
	CommentOnFailure CommentMode = "on-failure"
)

// ParseCommentMode reads true|false|on-failure.
func ParseCommentMode(s string) (CommentMode, error) {
	switch m := CommentMode(s); m {
	case CommentAlways, CommentNever, CommentOnFailure:
		return m, nil
	case "":
		return CommentAlways, nil
	}
	return "", fmt.Errorf("comment %q: want true, false or on-failure", s)
}

// Limits on what GitHub accepts.
const (
	CommentLimit = 65536   // characters in a comment body
	SummaryLimit = 1 << 20 // bytes of one step's summary
)

// Publication is one review to publish from a workflow step.
type Publication struct {
	Report     *report.Report
	Context    *Context
	Workflow   *Workflow
	Comment    CommentMode
	Annotate   bool
	ReportPath string // where pgreview-report.json was written
	// Changed is the PR's changed lines, for choosing annotations (nil:
	// unknown).
	Changed ChangedLines
	// NewService returns the comment service; nil when there is no token.
	NewService func() (CommentService, error)
	// Log gets one line per thing worth telling the user (stderr).
	Log io.Writer
}

// Publish writes the step summary, the outputs and the annotations, then
// posts the comment. The report reaches the summary before GitHub's API
// is called, so an API failure never loses it. It returns the comment's
// URL ("" when none) and the comment error, if any; a 403 (fork PR,
// read-only token) is reported as a notice and returns no error.
func Publish(ctx context.Context, p Publication) (string, error) {
	r := p.Report
	summary, err := report.RenderMarkdown(r, report.MarkdownOptions{Limit: SummaryLimit, FullReport: fmt.Sprintf("`%s`", p.ReportPath)})
	if err != nil {
		return "", err
	}
	if err := p.Workflow.AddStepSummary(summary); err != nil {
		fmt.Fprintf(p.Log, "pgreview: %v\n", err)
	}
	p.setOutputs()
	if p.Annotate {
		for _, a := range ChooseAnnotations(r.Findings, p.Changed, MaxAnnotationsPerLevel) {
			if err := p.Workflow.Annotate(a); err != nil {
				fmt.Fprintf(p.Log, "pgreview: %v\n", err)
				break
			}
		}
	}
	url, err := p.postComment(ctx)
	if url != "" {
		p.output("comment-url", url)
	}
	return url, err
}

func (p Publication) setOutputs() {
	s := p.Report.Summary
	p.output("critical", strconv.Itoa(s.Critical))
	p.output("important", strconv.Itoa(s.Important))
	p.output("good", strconv.Itoa(s.Good))
	p.output("info", strconv.Itoa(s.Info))
	// The pull request's own findings; every finding without a base.
	added := s.Counts
	if s.New != nil {
		added = *s.New
	}
	p.output("new-critical", strconv.Itoa(added.Critical))
	p.output("new-important", strconv.Itoa(added.Important))
	p.output("new-good", strconv.Itoa(added.Good))
	p.output("new-info", strconv.Itoa(added.Info))
	p.output("blocking", strconv.FormatBool(s.Blocking))
	p.output("report-path", p.ReportPath)
}

func (p Publication) output(name, value string) {
	if err := p.Workflow.SetOutput(name, value); err != nil {
		fmt.Fprintf(p.Log, "pgreview: %v\n", err)
	}
}

func (p Publication) postComment(ctx context.Context) (string, error) {
	mode := Always
	switch {
	case p.Comment == CommentNever:
		return "", nil
	case p.Context.PR == 0:
		fmt.Fprintf(p.Log, "pgreview: not a pull request (%s event): no comment; the report is in the step summary and %s\n", orNone(p.Context.EventName), p.ReportPath)
		return "", nil
	case p.Comment == CommentOnFailure && !p.Report.Summary.Blocking:
		// Still update a comment left by an earlier, failing run.
		mode = UpdateOnly
	}
	if p.NewService == nil {
		return "", fmt.Errorf("no GitHub token: set the github-token input or GITHUB_TOKEN to comment on the pull request")
	}
	svc, err := p.NewService()
	if err != nil {
		return "", err
	}
	c, err := PostReport(ctx, svc, mode, p.Report, p.Context.RunURL, p.ReportPath)
	if IsForbidden(err) {
		fmt.Fprintf(p.Log, "pgreview: cannot comment on pull request #%d: the token is read-only (a pull request from a fork?). The review is in the step summary and %s; to comment on fork PRs, use the workflow_run workflow in docs/github-action.md\n", p.Context.PR, p.ReportPath)
		p.Workflow.Annotate(Annotation{Level: "notice", Title: "pgreview could not comment", Message: fmt.Sprintf("The token may not comment on this pull request (fork?). The full review is in the job summary and %s.", p.ReportPath)})
		return "", nil
	}
	if err != nil || c == nil {
		return "", err
	}
	return c.URL, nil
}

// PostReport renders r as our comment, keeping the ticks a human put on
// manual items in the old one, and folding it to GitHub's limit.
func PostReport(ctx context.Context, svc CommentService, mode StickyMode, r *report.Report, runURL, reportPath string) (*Comment, error) {
	full := fmt.Sprintf("`%s`", reportPath)
	if runURL != "" {
		full = fmt.Sprintf("[this run's job summary](%s) and `%s`", runURL, reportPath)
	}
	return Sticky(ctx, svc, mode, func(old string) (string, error) {
		return report.RenderMarkdown(r, report.MarkdownOptions{Ticks: report.TicksFrom(old), Limit: CommentLimit, FullReport: full})
	})
}

func orNone(s string) string {
	if s == "" {
		return "no"
	}
	return s
}
