package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/github"
	"github.com/pgreview/pgreview/internal/github/githubtest"
	"github.com/pgreview/pgreview/internal/report"
)

// Tokens the fake GitHub accepts in scripts.
const (
	actionsToken = "ghs_actionsTOKENforScripts1"  // a workflow's GITHUB_TOKEN
	patToken     = "ghp_personalTOKENforScripts2" // a user's token, login review-bot
	forkToken    = "ghs_forkTOKENreadOnly3"       // GITHUB_TOKEN on a fork PR
)

// fakes holds each script's fake GitHub, by $WORK.
var fakes sync.Map

func fakeOf(ts *testscript.TestScript) *githubtest.Fake {
	f, ok := fakes.Load(ts.Getenv("WORK"))
	if !ok {
		ts.Fatalf("github: run 'github start' first")
	}
	return f.(*githubtest.Fake)
}

// githubCmd drives the fake GitHub API:
//
//	github start [PREFIX]               start it; export GITHUB_API_URL and the tokens
//	github pr REPO N HEADSHA            a pull request exists
//	github removepr REPO N              the pull request is gone
//	github comment REPO N LOGIN FILE    LOGIN comments FILE's content
//	github filler REPO N COUNT LOGIN    COUNT comments by LOGIN, each with our marker
//	github tick REPO N LOGIN ITEM       a human ticks ITEM's box in LOGIN's comment
//	github body REPO N LOGIN FILE       write LOGIN's marked comment to FILE
//	github comments REPO N COUNT        the PR has COUNT comments
//	github calls COUNT                  COUNT requests since the last reset
//	github reset                        forget the requests so far
//	github fail METHOD PATH STATUS TIMES [MESSAGE]  fault injection
//	github check                        no request was wrong
//	github event FILE REPO N BASESHA HEADSHA BASEREF  write a pull_request payload
func githubCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: github start|pr|comment|filler|tick|body|comments|calls|reset|fail|check ...")
	}
	if neg && args[0] != "check" {
		ts.Fatalf("github %s does not support !", args[0])
	}
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			ts.Fatalf("%q is not a number", s)
		}
		return n
	}
	want := func(n int) {
		if len(args) != n+1 {
			ts.Fatalf("github %s: want %d arguments", args[0], n)
		}
	}
	switch args[0] {
	case "start":
		prefix := ""
		if len(args) > 1 {
			prefix = args[1]
		}
		f := githubtest.New(prefix)
		fakes.Store(ts.Getenv("WORK"), f)
		ts.Defer(func() { f.Close(); fakes.Delete(ts.Getenv("WORK")) })
		f.AddToken(actionsToken, githubtest.Token{Login: github.ActionsBot, Installation: true})
		f.AddToken(patToken, githubtest.Token{Login: "review-bot"})
		f.AddToken(forkToken, githubtest.Token{Login: github.ActionsBot, Installation: true, ReadOnly: true})
		ts.Setenv("GITHUB_API_URL", f.URL())
		ts.Setenv("ACTIONS_TOKEN", actionsToken)
		ts.Setenv("PAT_TOKEN", patToken)
		ts.Setenv("FORK_TOKEN", forkToken)
	case "pr":
		want(3)
		fakeOf(ts).AddPR(args[1], num(args[2]), args[3])
	case "removepr":
		want(2)
		fakeOf(ts).RemovePR(args[1], num(args[2]))
	case "comment":
		want(4)
		fakeOf(ts).AddComment(args[1], num(args[2]), args[3], ts.ReadFile(args[4]))
	case "filler":
		want(4)
		for i := 0; i < num(args[3]); i++ {
			fakeOf(ts).AddComment(args[1], num(args[2]), args[4], report.Marker+"\nfiller "+strconv.Itoa(i))
		}
	case "tick":
		want(4)
		c := ours(ts, args[1], num(args[2]), args[3])
		box := "- [ ] **" + args[4] + "**"
		if !strings.Contains(c.Body, box) {
			ts.Fatalf("no open box for item %s in the comment", args[4])
		}
		fakeOf(ts).Edit(c.ID, func(b string) string { return strings.Replace(b, box, "- [x] **"+args[4]+"**", 1) })
	case "body":
		want(4)
		c := ours(ts, args[1], num(args[2]), args[3])
		if err := os.WriteFile(ts.MkAbs(args[4]), []byte(c.Body), 0o644); err != nil {
			ts.Fatalf("%v", err)
		}
	case "comments":
		want(3)
		if got := len(fakeOf(ts).Comments(args[1], num(args[2]))); got != num(args[3]) {
			ts.Fatalf("%s#%s has %d comments, want %s", args[1], args[2], got, args[3])
		}
	case "calls":
		want(1)
		calls := fakeOf(ts).Calls()
		ts.Logf("%d calls:\n  %s", len(calls), strings.Join(calls, "\n  "))
		if len(calls) != num(args[1]) {
			ts.Fatalf("%d calls, want %s", len(calls), args[1])
		}
	case "reset":
		fakeOf(ts).ResetCalls()
	case "fail":
		if len(args) < 5 {
			ts.Fatalf("usage: github fail METHOD PATH STATUS TIMES [MESSAGE]")
		}
		msg := "Server Error"
		if len(args) > 5 {
			msg = strings.Join(args[5:], " ")
		}
		fakeOf(ts).FailNext(args[1], args[2], num(args[3]), num(args[4]), msg, nil)
	case "event":
		want(6)
		payload := fmt.Sprintf(`{"action": "synchronize", "number": %d, "pull_request": {"number": %d,
  "base": {"sha": %q, "ref": %q, "repo": {"full_name": %q}},
  "head": {"sha": %q, "ref": "feature", "repo": {"full_name": %q}}}, "repository": {"full_name": %q}}
`, num(args[3]), num(args[3]), args[4], args[6], args[2], args[5], args[2], args[2])
		if err := os.WriteFile(ts.MkAbs(args[1]), []byte(payload), 0o644); err != nil {
			ts.Fatalf("%v", err)
		}
	case "check":
		problems := fakeOf(ts).Problems()
		if (len(problems) == 0) == neg {
			ts.Fatalf("fake GitHub problems: %v", problems)
		}
	default:
		ts.Fatalf("github: unknown subcommand %q", args[0])
	}
}

// ours is LOGIN's comment with our marker on REPO#N.
func ours(ts *testscript.TestScript, repo string, n int, login string) githubtest.Comment {
	for _, c := range fakeOf(ts).Comments(repo, n) {
		if c.Author == login && strings.HasPrefix(c.Body, report.Marker) {
			return c
		}
	}
	ts.Fatalf("no pgreview comment by %s on %s#%d", login, repo, n)
	return githubtest.Comment{}
}

// outputCmd: output FILE NAME WANT — the GITHUB_OUTPUT file sets NAME to
// WANT (as go-githubactions writes it, NAME<<DELIMITER lines).
func outputCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: output FILE NAME WANT")
	}
	got, found := readOutputs(ts.ReadFile(args[0]))[args[1]]
	if (found && got == args[2]) == neg {
		ts.Fatalf("output %s = %q (set: %v), want %s%q", args[1], got, found, map[bool]string{true: "not ", false: ""}[neg], args[2])
	}
}

func readOutputs(s string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			out[name] = strings.Join(val, "\n")
		} else if name, val, ok := strings.Cut(lines[i], "="); ok {
			out[name] = val
		}
	}
	return out
}

// bigReportCmd: bigreport FILE N — a blocking JSON report with N findings
// of about 300 characters each, spread over every checklist item.
func bigReportCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: bigreport FILE N")
	}
	n, _ := strconv.Atoi(args[1])
	r := &report.Report{SchemaVersion: report.SchemaVersion, Tool: report.Tool{Name: "pgreview", Version: "test"},
		Engine: report.Engine{Kind: "none", Reason: "test"}, FailOn: "critical"}
	for _, a := range check.Areas {
		for _, it := range a.Items {
			r.Items = append(r.Items, report.Item{ID: it.ID, Area: a.Name, Title: it.Title, Status: check.StatusPass, Findings: []check.Finding{}})
		}
	}
	for i := 0; i < n; i++ {
		it := &r.Items[i%len(r.Items)]
		it.Status, it.Severity = check.StatusFail, "critical"
		it.Findings = append(it.Findings, check.Finding{Check: "synthetic-check", Item: it.ID, Severity: check.Critical, New: true,
			Message:  fmt.Sprintf("finding %d: %s", i, strings.Repeat("ALTER TABLE rewrites the table under ACCESS EXCLUSIVE ", 5)),
			Location: check.Location{File: fmt.Sprintf("migrations/%05d.sql", i), Line: 1}})
	}
	r.Finalize(func(f check.Finding) bool { return f.Severity == check.Critical })
	r.BlockingReasons = []string{fmt.Sprintf("%d critical finding(s) at or above fail-on critical", n)}
	file, err := os.Create(ts.MkAbs(args[0]))
	if err != nil {
		ts.Fatalf("%v", err)
	}
	defer file.Close()
	if err := report.WriteJSON(file, r); err != nil {
		ts.Fatalf("%v", err)
	}
}

// sizeCmd: size FILE MAX — FILE has at most MAX characters.
func sizeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: size FILE MAX")
	}
	max, _ := strconv.Atoi(args[1])
	n := utf8.RuneCountInString(ts.ReadFile(args[0]))
	ts.Logf("%s: %d characters", args[0], n)
	if (n <= max) == neg {
		ts.Fatalf("%s has %d characters, want at most %d", args[0], n, max)
	}
}
