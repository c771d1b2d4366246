package github

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContextFromEnv(t *testing.T) {
	dir := t.TempDir()
	event := func(body string) string {
		p := filepath.Join(dir, "event.json")
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	for _, tc := range []struct {
		name, payload string
		pr            int
		fork          bool
	}{
		{"same repo", `{"number":4,"pull_request":{"number":4,"base":{"sha":"b","repo":{"full_name":"acme/shop"}},"head":{"sha":"h","repo":{"full_name":"acme/shop"}}}}`, 4, false},
		{"fork", `{"pull_request":{"number":5,"base":{"sha":"b","repo":{"full_name":"acme/shop"}},"head":{"sha":"h","repo":{"full_name":"mallory/shop"}}}}`, 5, true},
		{"deleted fork", `{"pull_request":{"number":6,"base":{"sha":"b","repo":{"full_name":"acme/shop"}},"head":{"sha":"h","repo":null}}}`, 6, true},
		{"push", `{"ref":"refs/heads/main"}`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{
				"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_PATH": event(tc.payload),
				"GITHUB_API_URL": "https://ghe.example/api/v3", "GITHUB_SERVER_URL": "https://ghe.example", "GITHUB_RUN_ID": "9",
			}
			c, err := ContextFromEnv(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if c.PR != tc.pr || c.Fork != tc.fork || c.Owner != "acme" || c.Repo != "shop" || c.APIURL != "https://ghe.example/api/v3" {
				t.Errorf("context = %+v", c)
			}
			if c.RunURL != "https://ghe.example/acme/shop/actions/runs/9" {
				t.Errorf("run URL = %q", c.RunURL)
			}
			if tc.pr != 0 && (c.BaseSHA != "b" || c.HeadSHA != "h") {
				t.Errorf("shas = %q %q", c.BaseSHA, c.HeadSHA)
			}
		})
	}
	// Outside Actions: no error, no PR, github.com's API.
	c, err := ContextFromEnv(func(string) string { return "" })
	if err != nil || c.Actions || c.PR != 0 || c.APIURL != DefaultAPIURL {
		t.Errorf("outside Actions: %+v %v", c, err)
	}
	if _, err := ContextFromEnv(func(k string) string { return map[string]string{"GITHUB_REPOSITORY": "nope"}[k] }); err == nil {
		t.Error("a bad GITHUB_REPOSITORY is accepted")
	}
}
