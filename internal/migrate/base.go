package migrate

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// Base is the base branch's tree, as far as the history goes: the review
// compares the migrations of the pull request with it, because a
// migration edited after it was applied elsewhere is never re-run there.
type Base struct {
	Ref   string
	files map[string][]byte
}

// NewBase is a base tree from files (repo-relative path -> content).
func NewBase(ref string, files map[string][]byte) *Base {
	return &Base{Ref: ref, files: files}
}

// File returns a file of the base tree.
func (b *Base) File(p string) ([]byte, bool) {
	if b == nil {
		return nil, false
	}
	c, ok := b.files[p]
	return c, ok
}

// Has reports whether the base tree holds the file.
func (b *Base) Has(p string) bool { _, ok := b.File(p); return ok }

// Paths lists the base tree's files under dir ("" for all).
func (b *Base) Paths(dir string) []string {
	var out []string
	for p := range b.files {
		if dir == "" || strings.HasPrefix(p, dir+"/") {
			out = append(out, p)
		}
	}
	return out
}

// GitBase reads the files under dirs at ref from the git repository at
// root, with one git process for the listing and one for the contents.
func GitBase(ctx context.Context, root, ref string, dirs ...string) (*Base, error) {
	args := append([]string{"-C", root, "ls-tree", "-r", "-z", "--name-only", ref, "--"}, dirs...)
	out, err := exec.CommandContext(ctx, "git", args...).Output()
	if err != nil {
		return nil, fmt.Errorf("list %s in git: %w", ref, gitErr(err))
	}
	var paths []string
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 {
			paths = append(paths, string(p))
		}
	}
	cmd := exec.CommandContext(ctx, "git", "-C", root, "cat-file", "--batch")
	var in bytes.Buffer
	for _, p := range paths {
		fmt.Fprintf(&in, "%s:%s\n", ref, p)
	}
	cmd.Stdin = &in
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("read %s in git: %w", ref, gitErr(err))
	}
	files := map[string][]byte{}
	rd := bufio.NewReader(bytes.NewReader(raw))
	for _, p := range paths {
		header, err := rd.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", ref, p, err)
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			continue // "missing"
		}
		n, _ := strconv.Atoi(f[2])
		content := make([]byte, n+1) // and the trailing newline
		if _, err := io.ReadFull(rd, content); err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", ref, p, err)
		}
		files[p] = content[:n]
	}
	return &Base{Ref: ref, files: files}, nil
}

func gitErr(err error) error {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return fmt.Errorf("%s", strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}

func checksum(b []byte) [32]byte { return sha256.Sum256(b) }
