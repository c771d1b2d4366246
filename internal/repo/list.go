package repo

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gitignore "github.com/sabhiram/go-gitignore"
)

// skipDirs are never entered: VCS data, dependencies, virtualenvs, and
// testdata directories, which hold fixtures (Go's toolchain ignores them
// too), not the project's own config and code.
var skipDirs = map[string]bool{
	"testdata": true,
	".git":     true, ".hg": true, ".svn": true, "node_modules": true,
	".venv": true, "venv": true, "__pycache__": true, ".tox": true, ".nox": true,
	".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true, "site-packages": true,
	"vendor": true, ".idea": true, ".terraform": true,
}

// listFiles lists the repository's files, slash-separated and relative.
// In a git checkout it is what git tracks plus untracked files that are
// not ignored; otherwise a walk that honours the top-level .gitignore.
// The second result, when not nil, is the set of files git tracks.
func listFiles(root string) ([]string, map[string]bool, error) {
	tracked, err := gitLsFiles(root, "--cached")
	if err != nil {
		paths, err := walkFiles(root)
		return paths, nil, err
	}
	others, err := gitLsFiles(root, "--others", "--exclude-standard")
	if err != nil {
		paths, err := walkFiles(root)
		return paths, nil, err
	}
	isTracked := map[string]bool{}
	var paths []string
	for _, p := range tracked {
		if !isTracked[p] {
			isTracked[p] = true
			paths = append(paths, p)
		}
	}
	for _, p := range others {
		if !isTracked[p] {
			paths = append(paths, p)
		}
	}
	return filterSkipped(root, paths), isTracked, nil
}

// gitLsFiles runs git ls-files in root; it fails outside a git work tree
// or when git is not installed.
func gitLsFiles(root string, args ...string) ([]string, error) {
	cmd := exec.Command("git", append([]string{"-C", root, "ls-files", "-z"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 {
			paths = append(paths, string(p))
		}
	}
	return paths, nil
}

// filterSkipped drops files under skipped directories and deleted files
// still in git's index.
func filterSkipped(root string, paths []string) []string {
	out := paths[:0]
	for _, p := range paths {
		if underSkipped(p) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			continue
		}
		out = append(out, p)
	}
	return out
}

func underSkipped(p string) bool {
	parts := strings.Split(p, "/")
	for _, d := range parts[:len(parts)-1] {
		if skipDirs[d] {
			return true
		}
	}
	return false
}

func walkFiles(root string) ([]string, error) {
	ign, _ := gitignore.CompileIgnoreFile(filepath.Join(root, ".gitignore"))
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable subdirectory: skip it, keep walking
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != root && (skipDirs[d.Name()] || isVirtualenv(p) || (ign != nil && ign.MatchesPath(rel+"/"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if ign != nil && ign.MatchesPath(rel) {
			return nil
		}
		paths = append(paths, rel)
		return nil
	})
	return paths, err
}

func isVirtualenv(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil
}
