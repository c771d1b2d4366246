package github

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/report"
)

const secondaryLimitBody = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`

func TestAPIErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		token   string
		setup   func(f *fakeGitHubT)
		status  int
		want    string
		calls   int // requests sent, retries included
		retried []time.Duration
	}{
		{name: "401 bad token", token: "ghp_revokedTOKEN000", status: 401, calls: 1,
			want: "GitHub rejected the token (401 Unauthorized)"},
		{name: "403 read-only token (fork)", token: forkToken, status: 403, calls: 2,
			want: "403 Forbidden"},
		{name: "404 pull request gone", token: actionsToken, status: 404, calls: 1,
			setup: func(f *fakeGitHubT) { f.RemovePR(repoName, 7) },
			want:  "The pull request may have been deleted"},
		{name: "422 invalid", token: actionsToken, status: 422, calls: 2,
			setup: func(f *fakeGitHubT) { f.FailNext("POST", `/comments$`, 422, 1, "Validation Failed", nil) },
			want:  "422 Unprocessable Entity"},
		{name: "5xx twice", token: actionsToken, status: 502, calls: 2, retried: []time.Duration{2 * time.Second},
			setup: func(f *fakeGitHubT) { f.FailNext("GET", `/comments$`, 502, 2, "Bad Gateway", nil) },
			want:  "GitHub answered 502"},
		{name: "primary rate limit", token: actionsToken, status: 403, calls: 1,
			setup: func(f *fakeGitHubT) {
				f.FailNext("GET", `/comments$`, 403, 1, "API rate limit exceeded", map[string]string{
					"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1893456000"})
			},
			want: "rate limit for this token is used up (1000 requests); it resets at 2030-01-01T00:00:00Z"},
		{name: "secondary rate limit twice", token: actionsToken, status: 403, calls: 2, retried: []time.Duration{3 * time.Second},
			setup: func(f *fakeGitHubT) {
				f.FailNext("GET", `/comments$`, 403, 2, secondaryLimitBody, map[string]string{"Retry-After": "3"})
			},
			want: "secondary rate limit was hit, and again after one retry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeGitHub(t, "")
			if tc.token == "ghp_revokedTOKEN000" {
				defer func() { f.ClearProblems() }()
			}
			if tc.setup != nil {
				tc.setup(f)
			}
			pr, c, s := newPR(t, f, tc.token, ActionsBot)
			_, err := Sticky(context.Background(), pr, Always, body("x"))
			if err == nil {
				t.Fatal("no error")
			}
			ae, ok := err.(*APIError)
			if !ok || ae.Status != tc.status {
				t.Fatalf("err = %#v, want an APIError with status %d", err, tc.status)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.token) {
				t.Errorf("the error quotes the token")
			}
			if c.Calls() != tc.calls {
				t.Errorf("%d calls, want %d: %v", c.Calls(), tc.calls, f.Calls())
			}
			if len(*s) != len(tc.retried) || (len(tc.retried) > 0 && (*s)[0] != tc.retried[0]) {
				t.Errorf("retry waits = %v, want %v", *s, tc.retried)
			}
			t.Logf("%s", err)
		})
	}
}

// TestRetryOnceThenSucceed: one 5xx or secondary rate limit is retried
// after a backoff, and the comment is posted.
func TestRetryOnceThenSucceed(t *testing.T) {
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		header             map[string]string
		wait               time.Duration
	}{
		{"503 on list", "GET", `/comments$`, 503, "Service Unavailable", nil, 2 * time.Second},
		{"500 on create", "POST", `/comments$`, 500, "Server Error", nil, 2 * time.Second},
		{"secondary limit on create", "POST", `/comments$`, 403, secondaryLimitBody, map[string]string{"Retry-After": "1"}, time.Second},
		{"secondary limit 429 without Retry-After", "GET", `/comments$`, 429, secondaryLimitBody, nil, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeGitHub(t, "")
			f.FailNext(tc.method, tc.path, tc.status, 1, tc.body, tc.header)
			pr, c, s := newPR(t, f, actionsToken, ActionsBot)
			if _, err := Sticky(context.Background(), pr, Always, body("x")); err != nil {
				t.Fatal(err)
			}
			if len(f.Comments(repoName, 7)) != 1 || c.Calls() != 3 {
				t.Errorf("%d comments after %d calls; want 1 after 3 (list, create, and one retry)", len(f.Comments(repoName, 7)), c.Calls())
			}
			if len(*s) != 1 || (*s)[0] != tc.wait {
				t.Errorf("waits = %v, want [%v]", *s, tc.wait)
			}
		})
	}
}

func TestForbiddenIsRecognised(t *testing.T) {
	f := fakeGitHub(t, "")
	pr, _, _ := newPR(t, f, forkToken, ActionsBot)
	_, err := PostReport(context.Background(), pr, Always, &report.Report{}, "", "pgreview-report.json")
	if !IsForbidden(err) {
		t.Fatalf("err = %v, want a 403", err)
	}
}
