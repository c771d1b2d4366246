package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/github/githubtest"
	"github.com/pgreview/pgreview/internal/report"
)

const (
	repoName     = "acme/shop"
	actionsToken = "ghs_actionsTOKENabc123"
	patToken     = "ghp_personalTOKENxyz789"
	forkToken    = "ghs_forkREADONLY456"
)

type fakeGitHubT = githubtest.Fake

// fakeGitHub starts the fake with the tokens the tests use and PR #7.
func fakeGitHub(t *testing.T, prefix string) *githubtest.Fake {
	t.Helper()
	f := githubtest.New(prefix)
	t.Cleanup(func() {
		f.Close()
		for _, p := range f.Problems() {
			t.Errorf("fake GitHub: %s", p)
		}
	})
	f.AddToken(actionsToken, githubtest.Token{Login: ActionsBot, Installation: true})
	f.AddToken(patToken, githubtest.Token{Login: "review-bot"})
	f.AddToken(forkToken, githubtest.Token{Login: ActionsBot, Installation: true, ReadOnly: true})
	f.AddPR(repoName, 7, "headsha")
	return f
}

// sleeps records the waits before retries instead of sleeping.
type sleeps []time.Duration

func (s *sleeps) sleep(d time.Duration) { *s = append(*s, d) }

func newPR(t *testing.T, f *githubtest.Fake, token, author string) (*PullRequest, *Client, *sleeps) {
	t.Helper()
	var s sleeps
	c, err := NewClient(Config{APIURL: f.URL(), Token: token, Sleep: s.sleep})
	if err != nil {
		t.Fatal(err)
	}
	return NewPullRequest(c, "acme", "shop", 7, author), c, &s
}

func body(s string) func(string) (string, error) {
	return func(string) (string, error) { return report.Marker + "\n" + s, nil }
}

func TestStickyCreatesOnceThenEditsInPlace(t *testing.T) {
	f := fakeGitHub(t, "")
	pr, _, _ := newPR(t, f, actionsToken, ActionsBot)
	first, err := Sticky(context.Background(), pr, Always, body("run 1"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Sticky(context.Background(), pr, Always, body("run 2"))
	if err != nil {
		t.Fatal(err)
	}
	got := f.Comments(repoName, 7)
	if len(got) != 1 || first.ID != second.ID || !strings.HasSuffix(got[0].Body, "run 2") {
		t.Fatalf("comments after two runs = %+v; want one, edited to run 2", got)
	}
	if second.URL == "" {
		t.Errorf("no comment URL")
	}
}

// TestCommonPathCallBudget: "comment exists, update it" costs at most 3
// requests, with the Actions token (author known) and with a personal
// token (author asked of GET /user).
func TestCommonPathCallBudget(t *testing.T) {
	for _, tc := range []struct {
		token, author string
		want          []string
	}{
		{actionsToken, ActionsBot, []string{"GET /repos/acme/shop/issues/7/comments?per_page=100", "PATCH /repos/acme/shop/issues/comments/"}},
		{patToken, "", []string{"GET /user", "GET /repos/acme/shop/issues/7/comments?per_page=100", "PATCH /repos/acme/shop/issues/comments/"}},
		{actionsToken, "", []string{"GET /user", "GET /repos/acme/shop/issues/7/comments?per_page=100", "PATCH /repos/acme/shop/issues/comments/"}},
	} {
		t.Run(tc.token[:3]+"/"+tc.author, func(t *testing.T) {
			f := fakeGitHub(t, "")
			login := tc.author
			if login == "" && tc.token == patToken {
				login = "review-bot"
			} else if login == "" {
				login = ActionsBot
			}
			f.AddComment(repoName, 7, login, report.Marker+"\nold")
			pr, c, _ := newPR(t, f, tc.token, tc.author)
			if _, err := Sticky(context.Background(), pr, Always, body("new")); err != nil {
				t.Fatal(err)
			}
			calls := f.Calls()
			if len(calls) > 3 || c.Calls() != len(calls) {
				t.Fatalf("%d calls (client counted %d), want at most 3: %v", len(calls), c.Calls(), calls)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(calls[i], w) {
					t.Errorf("call %d = %q, want %q...", i, calls[i], w)
				}
			}
			t.Logf("common path: %d calls: %v", len(calls), calls)
		})
	}
}

func TestUnchangedBodyIsNotRewritten(t *testing.T) {
	f := fakeGitHub(t, "")
	f.AddComment(repoName, 7, ActionsBot, report.Marker+"\nsame")
	pr, _, _ := newPR(t, f, actionsToken, ActionsBot)
	if _, err := Sticky(context.Background(), pr, Always, body("same")); err != nil {
		t.Fatal(err)
	}
	if calls := f.Calls(); len(calls) != 1 {
		t.Errorf("calls = %v, want only the list", calls)
	}
}

func TestOtherBotsCommentsAreLeftAlone(t *testing.T) {
	f := fakeGitHub(t, "")
	other := f.AddComment(repoName, 7, "other-linter[bot]", report.Marker+"\n## 🐘 pgreview · Database Setup Review (copied)")
	human := f.AddComment(repoName, 7, "alice", "quoting it:\n"+report.Marker)
	pr, _, _ := newPR(t, f, actionsToken, ActionsBot)
	for i := 0; i < 2; i++ {
		if _, err := Sticky(context.Background(), pr, Always, body(fmt.Sprint("run ", i))); err != nil {
			t.Fatal(err)
		}
	}
	got := f.Comments(repoName, 7)
	if len(got) != 3 {
		t.Fatalf("want 3 comments (other bot, human, ours), got %d", len(got))
	}
	if got[0].ID != other.ID || got[0].Body != other.Body || got[1].Body != human.Body {
		t.Errorf("someone else's comment was changed: %+v", got[:2])
	}
	if got[2].Author != ActionsBot || !strings.HasSuffix(got[2].Body, "run 1") {
		t.Errorf("ours = %+v", got[2])
	}
}

func TestFindsOurCommentOnPageTwo(t *testing.T) {
	f := fakeGitHub(t, "")
	for i := 0; i < 130; i++ {
		author := "alice"
		if i%2 == 0 {
			author = "other-linter[bot]"
		}
		f.AddComment(repoName, 7, author, fmt.Sprintf("%s\ncomment %d", report.Marker, i))
	}
	ours := f.AddComment(repoName, 7, ActionsBot, report.Marker+"\nours")
	for i := 0; i < 20; i++ {
		f.AddComment(repoName, 7, "bob", "later")
	}
	pr, _, _ := newPR(t, f, actionsToken, ActionsBot)
	c, err := Sticky(context.Background(), pr, Always, body("updated"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != ours.ID || len(f.Comments(repoName, 7)) != 151 {
		t.Fatalf("edited %d (want %d); %d comments", c.ID, ours.ID, len(f.Comments(repoName, 7)))
	}
	calls := f.Calls()
	if len(calls) != 3 || !strings.Contains(calls[1], "page=2") {
		t.Errorf("calls = %v, want page 1, page 2, then the edit", calls)
	}
}

func TestUpdateOnlyCreatesNothing(t *testing.T) {
	f := fakeGitHub(t, "")
	pr, _, _ := newPR(t, f, actionsToken, ActionsBot)
	c, err := Sticky(context.Background(), pr, UpdateOnly, body("passing"))
	if err != nil || c != nil || len(f.Comments(repoName, 7)) != 0 {
		t.Fatalf("UpdateOnly created a comment: %v %v", c, err)
	}
}

func TestEnterpriseServerAPIURL(t *testing.T) {
	f := fakeGitHub(t, "/api/v3")
	pr, _, _ := newPR(t, f, actionsToken, ActionsBot)
	if _, err := Sticky(context.Background(), pr, Always, body("ghes")); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Calls() {
		if !strings.HasPrefix(c, "GET /api/v3/") && !strings.HasPrefix(c, "POST /api/v3/") {
			t.Errorf("call %q is not under /api/v3", c)
		}
	}
}
