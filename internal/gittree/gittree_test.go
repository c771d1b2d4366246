package gittree

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func gitRepo(t *testing.T) (dir string, run func(args ...string) string) {
	t.Helper()
	dir = t.TempDir()
	run = func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	return dir, run
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExportSubdirectory exports the base of a subdirectory: paths are
// relative to it, symlinks stay symlinks, the checkout and .git are
// untouched, and a directory the base lacks is an empty tree.
func TestExportSubdirectory(t *testing.T) {
	dir, git := gitRepo(t)
	write(t, dir, "service/db/0001.up.sql", "CREATE TABLE a (id int);\n")
	write(t, dir, "service/run.sh", "#!/bin/sh\n")
	os.Chmod(filepath.Join(dir, "service/run.sh"), 0o755)
	os.Symlink("db/0001.up.sql", filepath.Join(dir, "service/latest.sql"))
	write(t, dir, "service/node_modules/x/index.js", "x")
	write(t, dir, "other/file.txt", "not ours")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	base := git("rev-parse", "HEAD")
	write(t, dir, "service/db/0001.up.sql", "CHANGED\n")
	write(t, dir, "service/db/0002.up.sql", "CREATE TABLE b (id int);\n")
	git("add", ".")
	git("commit", "-q", "-m", "pr")
	write(t, dir, "service/untracked.txt", "work in progress")
	statusBefore := git("status", "--porcelain")
	worktreesBefore := git("worktree", "list")

	tree, err := Export(context.Background(), filepath.Join(dir, "service"), "main~1", func(p string) bool { return !strings.HasPrefix(p, "node_modules/") })
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Remove()
	if tree.SHA != base {
		t.Errorf("SHA = %s, want %s", tree.SHA, base)
	}
	paths := append([]string(nil), tree.Paths...)
	sort.Strings(paths)
	if got := strings.Join(paths, " "); got != "db/0001.up.sql latest.sql run.sh" {
		t.Errorf("paths = %s", got)
	}
	if b, _ := os.ReadFile(filepath.Join(tree.Dir, "db/0001.up.sql")); string(b) != "CREATE TABLE a (id int);\n" {
		t.Errorf("0001 at base = %q", b)
	}
	if target, err := os.Readlink(filepath.Join(tree.Dir, "latest.sql")); err != nil || target != "db/0001.up.sql" {
		t.Errorf("symlink: %q %v", target, err)
	}
	if st, err := os.Stat(filepath.Join(tree.Dir, "run.sh")); err != nil || st.Mode()&0o100 == 0 {
		t.Errorf("run.sh lost its executable bit: %v", err)
	}
	if git("status", "--porcelain") != statusBefore || git("worktree", "list") != worktreesBefore {
		t.Error("exporting the base changed the checkout or registered a worktree")
	}

	// The PR adds a directory the base does not have: an empty base.
	write(t, dir, "newsvc/a.sql", "SELECT 1;\n")
	empty, err := Export(context.Background(), filepath.Join(dir, "newsvc"), base, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Remove()
	if len(empty.Paths) != 0 {
		t.Errorf("newsvc at base: %v", empty.Paths)
	}
	if err := tree.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tree.Dir); !os.IsNotExist(err) {
		t.Errorf("Remove left %s", tree.Dir)
	}
}

// TestExportMissingRef: a ref the clone lacks says how to get it.
func TestExportMissingRef(t *testing.T) {
	dir, git := gitRepo(t)
	write(t, dir, "a.txt", "a")
	git("add", ".")
	git("commit", "-q", "-m", "one")
	_, err := Export(context.Background(), dir, "0123456789abcdef0123456789abcdef01234567", nil)
	var ge *Error
	if !errors.As(err, &ge) || !ge.Missing {
		t.Fatalf("err = %v, want a missing ref", err)
	}
	for _, want := range []string{"fetch-depth: 0", "git fetch origin 0123456789abcdef0123456789abcdef01234567"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if _, err := Export(context.Background(), t.TempDir(), "main", nil); err == nil || !strings.Contains(err.Error(), "not in a git work tree") {
		t.Errorf("outside git: %v", err)
	}
	if _, err := Export(context.Background(), dir, "--output=x", nil); err == nil {
		t.Error("an option is not a ref")
	}
}
