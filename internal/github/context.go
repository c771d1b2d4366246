// Package github publishes a review where GitHub shows it: the sticky PR
// comment, annotations, the step summary and the step's outputs. It reads
// the Actions context from an injected getenv, so it runs in-process in
// tests against a fake API on loopback.
package github

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// DefaultAPIURL is github.com's API; GitHub Enterprise Server sets
// GITHUB_API_URL to its own (https://HOST/api/v3).
const DefaultAPIURL = "https://api.github.com/"

// Context is what the workflow run tells us about where we are.
type Context struct {
	// Actions is true inside a GitHub Actions job (GITHUB_ACTIONS=true).
	Actions   bool
	EventName string
	Owner     string
	Repo      string
	APIURL    string
	// RunURL is the workflow run's page, where the step summary is.
	RunURL string
	// PR is zero outside pull_request events.
	PR      int
	BaseSHA string
	HeadSHA string
	// BaseRef is the branch the pull request merges into ("main").
	BaseRef string
	// Fork is true when the PR comes from another repository: its token is
	// read-only unless the repository says otherwise.
	Fork bool
}

// event is the part of GITHUB_EVENT_PATH's payload we read.
type event struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
		Base   struct {
			SHA  string `json:"sha"`
			Ref  string `json:"ref"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
		Head struct {
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
}

// ContextFromEnv reads the Actions environment. Outside Actions it returns
// a Context with Actions false and no error.
func ContextFromEnv(getenv func(string) string) (*Context, error) {
	c := &Context{
		Actions:   getenv("GITHUB_ACTIONS") == "true",
		EventName: getenv("GITHUB_EVENT_NAME"),
		APIURL:    getenv("GITHUB_API_URL"),
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if repo := getenv("GITHUB_REPOSITORY"); repo != "" {
		owner, name, err := SplitRepo(repo)
		if err != nil {
			return nil, fmt.Errorf("GITHUB_REPOSITORY: %w", err)
		}
		c.Owner, c.Repo = owner, name
	}
	if server, run := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_RUN_ID"); server != "" && run != "" && c.Owner != "" {
		c.RunURL = fmt.Sprintf("%s/%s/%s/actions/runs/%s", strings.TrimRight(server, "/"), c.Owner, c.Repo, run)
	}
	path := getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the event payload (GITHUB_EVENT_PATH): %w", err)
	}
	var ev event
	if err := json.Unmarshal(b, &ev); err != nil {
		return nil, fmt.Errorf("parse the event payload %s: %w", path, err)
	}
	if pr := ev.PullRequest; pr != nil {
		c.PR = pr.Number
		if c.PR == 0 {
			c.PR = ev.Number
		}
		c.BaseSHA, c.HeadSHA, c.BaseRef = pr.Base.SHA, pr.Head.SHA, pr.Base.Ref
		// A deleted fork leaves head.repo null: still a fork.
		c.Fork = pr.Head.Repo == nil || (pr.Base.Repo != nil && pr.Head.Repo.FullName != pr.Base.Repo.FullName)
	}
	return c, nil
}

// SplitRepo splits "owner/name".
func SplitRepo(s string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not OWNER/NAME", s)
	}
	return owner, name, nil
}
