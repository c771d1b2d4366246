package github

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// APIError is a failed GitHub call, explained: what was being done, what
// GitHub said, and what to do next. It never contains the token.
type APIError struct {
	Status int // HTTP status; 0 when GitHub was not reached
	msg    string
}

func (e *APIError) Error() string { return e.msg }

// Forbidden reports whether the token may not do what was asked (403):
// on a fork PR the token is read-only.
func (e *APIError) Forbidden() bool { return e.Status == http.StatusForbidden }

// IsForbidden reports whether err is a 403 that is not a rate limit.
func IsForbidden(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Forbidden()
}

// explain turns a go-github error into an APIError. doing says what we
// were doing ("list the comments of owner/repo#12").
func (c *Client) explain(err error, doing string) error {
	if err == nil {
		return nil
	}
	e := &APIError{}
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	var resp *gh.ErrorResponse
	switch {
	case errors.As(err, &rl):
		e.Status = rl.Response.StatusCode
		e.msg = fmt.Sprintf("%s: GitHub's API rate limit for this token is used up (%d requests); it resets at %s. Re-run the job after that",
			doing, rl.Rate.Limit, rl.Rate.Reset.Time.UTC().Format(time.RFC3339))
	case errors.As(err, &abuse):
		e.Status = abuse.Response.StatusCode
		e.msg = fmt.Sprintf("%s: GitHub's secondary rate limit was hit, and again after one retry. Re-run the job in a few minutes", doing)
	case errors.As(err, &resp):
		e.Status = resp.Response.StatusCode
		e.msg = fmt.Sprintf("%s: %s", doing, statusAdvice(e.Status, resp.Message))
	default:
		e.msg = fmt.Sprintf("%s: %v (is GITHUB_API_URL reachable?)", doing, err)
	}
	e.msg = redact(e.msg, c.token)
	return e
}

func statusAdvice(status int, message string) string {
	said := ""
	if message != "" {
		said = fmt.Sprintf(" (%q)", message)
	}
	switch {
	case status == http.StatusUnauthorized:
		return "GitHub rejected the token (401 Unauthorized)" + said + ". Check the github-token input or GITHUB_TOKEN: it may be expired, revoked or for another GitHub host"
	case status == http.StatusForbidden:
		return "the token is not allowed to do this (403 Forbidden)" + said + ". Give the job `permissions: pull-requests: write`; on pull requests from forks the token is read-only, so post from a workflow_run job instead (docs/github-action.md)"
	case status == http.StatusNotFound:
		return "not found (404)" + said + ". The pull request may have been deleted, or the token cannot see this repository"
	case status == http.StatusUnprocessableEntity:
		return "GitHub refused the request as invalid (422 Unprocessable Entity)" + said + ". The comment may be too long or the pull request locked"
	case status >= 500:
		return fmt.Sprintf("GitHub answered %d%s, and again after one retry. GitHub may be having an outage; re-run the job later", status, said)
	}
	return fmt.Sprintf("GitHub answered %d%s", status, said)
}

// redact removes the token from text, in case an error quotes it.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}
