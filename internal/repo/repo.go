// Package repo discovers a repository's files and gives the checks typed,
// parse-once access to them. Every file is read at most once and every
// parser runs at most once per file, whatever the number of checks asking.
package repo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// MaxFileSize is the largest file that is read. Bigger files are listed
// but skipped with a warning: they are generated, not written.
const MaxFileSize = 1 << 20

// Repo is the inventory of one repository checkout.
type Repo struct {
	Root string // absolute
	// Git is true when the file list came from git (a checkout).
	Git   bool
	files []*File
	index map[string]*File

	mu       sync.Mutex
	warnings []Warning

	caches sync.Map // accessor name -> *onceValue
}

// Warning is a problem with the input that did not stop the review: a file
// that does not parse, a suppression without a reason.
type Warning struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	switch {
	case w.File != "" && w.Line > 0:
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	case w.File != "":
		return fmt.Sprintf("%s: %s", w.File, w.Message)
	}
	return w.Message
}

// Open lists the files of the repository at dir. It fails only when dir
// cannot be read at all.
func Open(dir string) (*Repo, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("repository %s is not a directory", dir)
	}
	r := &Repo{Root: root, index: map[string]*File{}}
	paths, tracked, err := listFiles(root)
	if err != nil {
		return nil, err
	}
	r.Git = tracked != nil
	for _, p := range paths {
		f := r.newFile(p)
		if f == nil {
			continue
		}
		f.Tracked = tracked[p]
		r.files = append(r.files, f)
		r.index[f.Path] = f
	}
	sort.Slice(r.files, func(i, j int) bool { return r.files[i].Path < r.files[j].Path })
	return r, nil
}

// newFile stats one listed path; it returns nil for what must not be read:
// directories, sockets, and symlinks that leave the repository.
func (r *Repo) newFile(rel string) *File {
	abs := filepath.Join(r.Root, filepath.FromSlash(rel))
	st, err := os.Lstat(abs)
	if err != nil {
		return nil
	}
	if st.Mode()&os.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(abs)
		if err != nil || !within(r.Root, target) {
			r.Warn(rel, 0, "symlink points outside the repository; not followed")
			return nil
		}
		if st, err = os.Stat(target); err != nil {
			return nil
		}
	}
	if !st.Mode().IsRegular() {
		return nil
	}
	f := &File{Path: rel, Size: st.Size(), Kind: KindOf(rel), abs: abs, repo: r}
	return f
}

func within(root, p string) bool {
	rootReal, err := filepath.EvalSymlinks(root)
	if err != nil {
		rootReal = root
	}
	rel, err := filepath.Rel(rootReal, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// Files lists every file, sorted by path.
func (r *Repo) Files() []*File { return r.files }

// File returns the file at a slash-separated repo-relative path, or nil.
func (r *Repo) File(path string) *File { return r.index[path] }

// FilesOf lists the files of the given kinds.
func (r *Repo) FilesOf(kinds ...Kind) []*File {
	var out []*File
	for _, f := range r.files {
		for _, k := range kinds {
			if f.Kind == k {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// Warn records a non-fatal input problem. Safe for concurrent use.
func (r *Repo) Warn(file string, line int, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, Warning{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// Warnings returns the problems recorded so far, sorted.
func (r *Repo) Warnings() []Warning {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Warning(nil), r.warnings...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

type onceValue struct {
	once sync.Once
	v    any
}

// cached runs build once per repo for key and returns its value. Parsers
// use it so every check shares one parse.
func cached[T any](r *Repo, key string, build func() T) T {
	ov, _ := r.caches.LoadOrStore(key, &onceValue{})
	o := ov.(*onceValue)
	o.once.Do(func() { o.v = build() })
	return o.v.(T)
}

// parseFiles parses each readable file of a kind, in FilesOf order, and
// keeps what parse accepts; parse warns about what it skips.
func parseFiles[T any](r *Repo, kind Kind, parse func(f *File, b []byte) (T, bool)) []T {
	var out []T
	for _, f := range r.FilesOf(kind) {
		b, err := f.Bytes()
		if err != nil {
			continue
		}
		if v, ok := parse(f, b); ok {
			out = append(out, v)
		}
	}
	return out
}

// File is one file of the repository.
type File struct {
	Path string // slash-separated, relative to the root
	Size int64
	Kind Kind
	// Tracked is true when git tracks the file (committed or staged).
	Tracked bool

	abs  string
	repo *Repo
	once sync.Once
	data []byte
	err  error
}

// Abs is the file's absolute path on disk.
func (f *File) Abs() string { return f.abs }

// Bytes returns the file's content, read once. Files over MaxFileSize and
// binary files return an error (and a warning is recorded once).
func (f *File) Bytes() ([]byte, error) {
	f.once.Do(func() {
		if f.Size > MaxFileSize {
			f.err = fmt.Errorf("%s is %d KB, over the %d KB limit; skipped", f.Path, f.Size>>10, MaxFileSize>>10)
			f.repo.Warn(f.Path, 0, "%d KB, over the %d KB limit: skipped (generated files are not reviewed)", f.Size>>10, MaxFileSize>>10)
			return
		}
		f.data, f.err = os.ReadFile(f.abs)
		if f.err != nil {
			f.repo.Warn(f.Path, 0, "cannot read: %v", f.err)
			return
		}
		if looksBinary(f.data) {
			f.err = fmt.Errorf("%s is binary; skipped", f.Path)
			f.data = nil
		}
	})
	return f.data, f.err
}

// Text returns the content as a string, or "" when it cannot be read.
func (f *File) Text() string {
	b, err := f.Bytes()
	if err != nil {
		return ""
	}
	return string(b)
}

func looksBinary(b []byte) bool {
	head := b
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// LineOf converts a byte offset in f's content to a 1-based line number.
func LineOf(content []byte, offset int) int {
	if offset > len(content) {
		offset = len(content)
	}
	return bytes.Count(content[:offset], []byte{'\n'}) + 1
}

// Memo computes a value derived from the repository once, however many
// checks ask for it concurrently: analyses shared by several checks (the
// database connection sites, say) are built on first use under key.
func Memo[T any](r *Repo, key string, build func() T) T {
	return cached(r, "memo:"+key, build)
}

// OpenCommit lists the files of a commit exported under root (paths are
// what was exported, slash-separated): the base of a pull request. Every
// file counts as tracked, as it was in the commit, so checks judge it as
// they judge the checkout ("committed", not "not covered by .gitignore").
func OpenCommit(root string, paths []string) (*Repo, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	r := &Repo{Root: root, Git: true, index: map[string]*File{}}
	for _, p := range filterSkipped(root, append([]string(nil), paths...)) {
		f := r.newFile(p)
		if f == nil {
			continue
		}
		f.Tracked = true
		r.files = append(r.files, f)
		r.index[f.Path] = f
	}
	sort.Slice(r.files, func(i, j int) bool { return r.files[i].Path < r.files[j].Path })
	return r, nil
}

// Skipped reports whether discovery never lists the slash-separated path:
// it is under VCS data, dependencies or a virtualenv.
func Skipped(path string) bool { return underSkipped(path) }
