package github

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/pgreview/pgreview/internal/report"
)

// ActionsBot is the author of comments made with a workflow's GITHUB_TOKEN.
const ActionsBot = "github-actions[bot]"

// Comment is one PR comment.
type Comment struct {
	ID   int64
	Body string
	URL  string
}

// CommentService finds, creates and edits pgreview's comment on one pull
// request. Sticky drives it; tests and other hosts can replace it.
type CommentService interface {
	// FindComment returns our comment, or nil when there is none yet.
	FindComment(ctx context.Context) (*Comment, error)
	CreateComment(ctx context.Context, body string) (*Comment, error)
	EditComment(ctx context.Context, id int64, body string) (*Comment, error)
}

var _ CommentService = (*PullRequest)(nil)

// PullRequest is the CommentService of one pull request on GitHub.
type PullRequest struct {
	client *Client
	Owner  string
	Repo   string
	Number int
	// Author is the login our comments are made by. Empty: asked of
	// GitHub (GET /user), or ActionsBot when the token is an Actions one.
	Author string
}

// NewPullRequest returns the CommentService for owner/repo#number.
func NewPullRequest(c *Client, owner, repo string, number int, author string) *PullRequest {
	return &PullRequest{client: c, Owner: owner, Repo: repo, Number: number, Author: author}
}

func (p *PullRequest) String() string { return fmt.Sprintf("%s/%s#%d", p.Owner, p.Repo, p.Number) }

// author resolves the login our comments are made by. A personal token
// answers GET /user; an installation token (GITHUB_TOKEN) cannot, and
// its comments are by github-actions[bot].
func (p *PullRequest) author(ctx context.Context) (string, error) {
	if p.Author != "" {
		return p.Author, nil
	}
	u, _, err := p.client.gh.Users.Get(ctx, "")
	switch {
	case err == nil && u.GetLogin() != "":
		p.Author = u.GetLogin()
	case IsForbidden(p.client.explain(err, "")):
		p.Author = ActionsBot
	default:
		return "", p.client.explain(err, "find out which account the token belongs to (GET /user)")
	}
	return p.Author, nil
}

// FindComment pages through every comment (100 a page) for the first one
// that carries our marker and is by our author. Other bots' comments are
// never ours, whatever they say.
func (p *PullRequest) FindComment(ctx context.Context) (*Comment, error) {
	author, err := p.author(ctx)
	if err != nil {
		return nil, err
	}
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := p.client.gh.Issues.ListComments(ctx, p.Owner, p.Repo, p.Number, opts)
		if err != nil {
			return nil, p.client.explain(err, "list the comments of "+p.String())
		}
		for _, c := range comments {
			if strings.EqualFold(c.GetUser().GetLogin(), author) && strings.HasPrefix(strings.TrimSpace(c.GetBody()), report.Marker) {
				return &Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL()}, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

func (p *PullRequest) CreateComment(ctx context.Context, body string) (*Comment, error) {
	c, _, err := p.client.gh.Issues.CreateComment(ctx, p.Owner, p.Repo, p.Number, &gh.IssueComment{Body: &body})
	if err != nil {
		return nil, p.client.explain(err, "comment on "+p.String())
	}
	return &Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL()}, nil
}

func (p *PullRequest) EditComment(ctx context.Context, id int64, body string) (*Comment, error) {
	c, _, err := p.client.gh.Issues.EditComment(ctx, p.Owner, p.Repo, id, &gh.IssueComment{Body: &body})
	if err != nil {
		return nil, p.client.explain(err, fmt.Sprintf("update comment %d on %s", id, p))
	}
	return &Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL()}, nil
}

// StickyMode says when the comment is posted.
type StickyMode int

const (
	// Always creates the comment when missing and updates it.
	Always StickyMode = iota
	// UpdateOnly updates an existing comment but creates none: with
	// comment: on-failure, a PR that was blocked and now passes still
	// learns that it passes.
	UpdateOnly
)

// Sticky keeps our one comment current: it reads the old comment, renders
// the new body from it (to keep human ticks), then edits it in place or
// creates it. An unchanged body costs no write. It returns the comment,
// or nil when mode is UpdateOnly and there is none.
func Sticky(ctx context.Context, svc CommentService, mode StickyMode, render func(old string) (string, error)) (*Comment, error) {
	old, err := svc.FindComment(ctx)
	if err != nil {
		return nil, err
	}
	if old == nil && mode == UpdateOnly {
		return nil, nil
	}
	prev := ""
	if old != nil {
		prev = old.Body
	}
	body, err := render(prev)
	if err != nil {
		return nil, err
	}
	switch {
	case old == nil:
		return svc.CreateComment(ctx, body)
	case old.Body == body:
		return old, nil
	default:
		return svc.EditComment(ctx, old.ID, body)
	}
}
