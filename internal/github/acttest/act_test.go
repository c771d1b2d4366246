package acttest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/github/githubtest"
	"github.com/pgreview/pgreview/internal/report"
)

const (
	writeToken = "ghs_actWRITEtoken0001"  // the workflow's GITHUB_TOKEN
	forkToken  = "ghs_actFORKreadonly002" // GITHUB_TOKEN on a fork PR
	repoFull   = "acme/shop"
)

// root is the pgreview repository: the action under test.
func root(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// fake starts the fake GitHub with both tokens and PR #5.
func fake(t *testing.T) *githubtest.Fake {
	f := githubtest.New("")
	t.Cleanup(func() {
		f.Close()
		for _, p := range f.Problems() {
			t.Errorf("fake GitHub: %s", p)
		}
	})
	f.AddToken(writeToken, githubtest.Token{Login: "github-actions[bot]", Installation: true})
	f.AddToken(forkToken, githubtest.Token{Login: "github-actions[bot]", Installation: true, ReadOnly: true})
	return f
}

// workspace is a git clone of acme/shop with a small app to review, the
// given workflows, and two commits (base and head).
type workspace struct {
	dir, base, head string
}

func newWorkspace(t *testing.T, workflows map[string]string) *workspace {
	dir := t.TempDir()
	w := &workspace{dir: dir}
	write(t, filepath.Join(dir, "README.md"), "# shop\n")
	w.git(t, "init", "-q", "-b", "main")
	w.git(t, "remote", "add", "origin", "https://github.com/acme/shop.git")
	w.git(t, "add", ".")
	w.git(t, "commit", "-qm", "base")
	w.base = w.git(t, "rev-parse", "HEAD")
	write(t, filepath.Join(dir, "db", "001_init.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n")
	for name, body := range workflows {
		write(t, filepath.Join(dir, ".github", "workflows", name), body)
	}
	w.git(t, "add", ".")
	w.git(t, "commit", "-qm", "head")
	w.head = w.git(t, "rev-parse", "HEAD")
	return w
}

func (w *workspace) git(t *testing.T, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (w *workspace) prEvent(t *testing.T, number int, headRepo string) string {
	ev := map[string]any{
		"action": "synchronize", "number": number,
		"pull_request": map[string]any{
			"number": number,
			"base":   map[string]any{"sha": w.base, "ref": "main", "repo": map[string]any{"full_name": repoFull}},
			"head":   map[string]any{"sha": w.head, "ref": "feature", "repo": map[string]any{"full_name": headRepo}},
		},
		"repository": map[string]any{"full_name": repoFull, "name": "shop", "owner": map[string]any{"login": "acme"}},
	}
	return writeJSON(t, ev)
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSON(t *testing.T, v any) string {
	b, _ := json.Marshal(v)
	p := filepath.Join(t.TempDir(), "event.json")
	write(t, p, string(b))
	return p
}

// run is one act invocation.
type run struct {
	event, eventPath, workflow, token string
	env                               map[string]string
}

// act runs the workflow in host mode (-P ubuntu-latest=-self-hosted)
// against the fake API, with pgreview/pgreview@main mapped to this
// repository and the third-party actions mapped to stand-ins (no
// network). It returns act's output and error.
func (w *workspace) act(t *testing.T, f *githubtest.Fake, r run) (string, error) {
	args := []string{r.event,
		"-W", filepath.Join(w.dir, ".github", "workflows", r.workflow),
		"-e", r.eventPath,
		"-P", "ubuntu-latest=-self-hosted",
		"--action-cache-path", actCache,
		"--action-offline-mode",
		"--no-cache-server",
		"--local-repository", "pgreview/pgreview@main=" + root(t),
		"-s", "GITHUB_TOKEN=" + r.token,
		"--env", "GITHUB_API_URL=" + f.URL(),
		"--env", "PGREVIEW_ACT_ARTIFACTS=" + artifacts,
	}
	for name, dir := range standIns {
		args = append(args, "--local-repository", name+"="+dir)
	}
	for k, v := range r.env {
		args = append(args, "--env", k+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, actBin, args...)
	cmd.Dir = w.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("act %s %s: %v in %s", r.event, r.workflow, err, time.Since(start).Round(time.Second))
	if os.Getenv("PGREVIEW_ACT_LOG") != "" {
		t.Logf("act output:\n%s", out.String())
	}
	if strings.Contains(out.String(), r.token) {
		t.Errorf("the token appears in act's output")
	}
	return out.String(), err
}

// ours is pgreview's comment on repo#n.
func ours(f *githubtest.Fake, n int) []githubtest.Comment {
	var cs []githubtest.Comment
	for _, c := range f.Comments(repoFull, n) {
		if strings.HasPrefix(c.Body, report.Marker) {
			cs = append(cs, c)
		}
	}
	return cs
}

func readDoc(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join(root(t), "docs", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
