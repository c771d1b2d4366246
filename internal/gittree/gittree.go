// Package gittree exports the files of one commit into a temporary
// directory with git's read-only plumbing (rev-parse, ls-tree, cat-file),
// so that a pull request's base can be reviewed like a checkout without
// touching the user's checkout, index or .git: no worktree is registered
// and nothing is fetched.
package gittree

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Tree is a commit's files, as seen from the reviewed directory.
type Tree struct {
	// Ref is the ref as given ("origin/main", a SHA).
	Ref string
	// SHA is the commit it names.
	SHA string
	// Dir holds the files; it is removed by Remove.
	Dir string
	// Paths are the files written, slash-separated and relative to Dir.
	Paths []string
}

// Remove deletes the exported files.
func (t *Tree) Remove() error {
	if t == nil || t.Dir == "" {
		return nil
	}
	return os.RemoveAll(t.Dir)
}

// Error says why a ref could not be exported, and what to do about it.
type Error struct {
	Ref string
	Dir string
	// Missing is true when the ref is not in the clone (a shallow
	// checkout, a branch that was never fetched).
	Missing bool
	Err     error
}

func (e *Error) Error() string {
	if e.Missing {
		// origin/main is fetched as main.
		fetch := strings.TrimPrefix(e.Ref, "origin/")
		return fmt.Sprintf("the base %s is not in the git repository of %s: check out with fetch-depth: 0 (actions/checkout), or run `git fetch origin %s` before pgreview", e.Ref, e.Dir, fetch)
	}
	return fmt.Sprintf("read the base %s from git in %s: %v", e.Ref, e.Dir, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Export writes the files of ref under dir (dir may be a subdirectory of
// the repository: its subtree is exported, so paths match a review of
// dir) into a new temporary directory. keep, when not nil, chooses the
// files worth writing (discovery skips node_modules, say).
func Export(ctx context.Context, dir, ref string, keep func(path string) bool) (*Tree, error) {
	fail := func(missing bool, err error) (*Tree, error) {
		return nil, &Error{Ref: ref, Dir: dir, Missing: missing, Err: err}
	}
	if ref == "" || strings.HasPrefix(ref, "-") {
		return fail(false, fmt.Errorf("%q is not a git ref", ref))
	}
	top, prefix, err := locate(ctx, dir)
	if err != nil {
		return fail(false, err)
	}
	sha, err := git(ctx, top, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		return fail(true, err)
	}
	t := &Tree{Ref: ref, SHA: strings.TrimSpace(string(sha))}
	entries, err := listTree(ctx, top, t.SHA, prefix)
	if err != nil {
		return fail(false, err)
	}
	if t.Dir, err = os.MkdirTemp("", "pgreview-base-"); err != nil {
		return fail(false, err)
	}
	var kept []entry
	for _, e := range entries {
		if keep == nil || keep(e.path) {
			kept = append(kept, e)
		}
	}
	if err := writeBlobs(ctx, top, t.Dir, kept); err != nil {
		t.Remove()
		return fail(false, err)
	}
	for _, e := range kept {
		t.Paths = append(t.Paths, e.path)
	}
	return t, nil
}

// InWorkTree reports whether dir is inside a git work tree.
func InWorkTree(ctx context.Context, dir string) bool {
	out, err := git(ctx, dir, "rev-parse", "--is-inside-work-tree")
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// locate finds the top of the work tree holding dir and dir's path in it.
func locate(ctx context.Context, dir string) (top, prefix string, err error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return "", "", fmt.Errorf("%s is not in a git work tree (a base needs the repository's history): %w", dir, err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	top = lines[0]
	if len(lines) > 1 {
		prefix = strings.TrimSuffix(lines[1], "/")
	}
	return top, prefix, nil
}

// entry is one file of the tree: its mode, object and path under prefix.
type entry struct {
	mode   string
	object string
	path   string
}

// listTree lists the blobs of sha under prefix; a prefix the commit does
// not have (the pull request adds the directory) is an empty tree.
func listTree(ctx context.Context, top, sha, prefix string) ([]entry, error) {
	treeish := sha
	if prefix != "" {
		treeish = sha + ":" + prefix
		if _, err := git(ctx, top, "rev-parse", "--verify", "--quiet", treeish); err != nil {
			return nil, nil
		}
	}
	out, err := git(ctx, top, "ls-tree", "-r", "-z", treeish)
	if err != nil {
		return nil, err
	}
	var entries []entry
	for _, rec := range bytes.Split(out, []byte{0}) {
		meta, p, ok := strings.Cut(string(rec), "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta) // mode type object
		if len(f) != 3 || f[1] != "blob" || !filepath.IsLocal(p) {
			continue // submodules (commits) are not files of this repository
		}
		entries = append(entries, entry{mode: f[0], object: f[2], path: p})
	}
	return entries, nil
}

// writeBlobs streams the blobs through one `git cat-file --batch` and
// writes each under root: regular files with their executable bit,
// symlinks as symlinks.
func writeBlobs(ctx context.Context, top, root string, entries []entry) error {
	if len(entries) == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, "git", "-C", top, "cat-file", "--batch")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start git cat-file: %w", err)
	}
	go func() {
		w := bufio.NewWriter(stdin)
		for _, e := range entries {
			fmt.Fprintln(w, e.object)
		}
		w.Flush()
		stdin.Close()
	}()
	rd := bufio.NewReaderSize(stdout, 1<<16)
	var werr error
	for _, e := range entries {
		content, err := readObject(rd, e.object)
		if err != nil {
			werr = err
			break
		}
		if err := writeEntry(root, e, content); err != nil {
			werr = err
			break
		}
	}
	if werr != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return werr
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// readObject reads one "<oid> <type> <size>\n<content>\n" record.
func readObject(rd *bufio.Reader, object string) ([]byte, error) {
	header, err := rd.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("read object %s from git cat-file: %w", object, err)
	}
	f := strings.Fields(header)
	if len(f) != 3 {
		return nil, fmt.Errorf("git cat-file: object %s: %s", object, strings.TrimSpace(header))
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, fmt.Errorf("git cat-file: object %s: bad size %q", object, f[2])
	}
	content := make([]byte, n+1) // and the newline after it
	if _, err := io.ReadFull(rd, content); err != nil {
		return nil, fmt.Errorf("read object %s from git cat-file: %w", object, err)
	}
	return content[:n], nil
}

func writeEntry(root string, e entry, content []byte) error {
	p := filepath.Join(root, filepath.FromSlash(e.path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	switch e.mode {
	case "120000":
		return os.Symlink(string(content), p)
	case "100755":
		return os.WriteFile(p, content, 0o755)
	}
	return os.WriteFile(p, content, 0o644)
}

// git runs git in dir and returns its output; the error carries git's
// own message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, errors.New(msg)
		} else if errors.As(err, &ee) {
			return nil, fmt.Errorf("git %s: exit status %d", args[0], ee.ExitCode())
		}
		return nil, err
	}
	return out, nil
}
