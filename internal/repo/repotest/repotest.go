// Package repotest writes small repositories for tests: a map of files, or
// a txtar archive, laid out in a directory that repo.Open can read. It
// imports nothing of the project, so repo's own tests use it too.
package repotest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// Write writes files, keyed by slash-separated path, under root.
func Write(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		writeFile(t, root, name, []byte(content))
	}
}

// Dir writes files into a new temporary directory and returns it.
func Dir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, files)
	return dir
}

// WriteArchive writes the files of a txtar archive under root.
func WriteArchive(t testing.TB, root string, ar *txtar.Archive) {
	t.Helper()
	for _, f := range ar.Files {
		writeFile(t, root, f.Name, f.Data)
	}
}

func writeFile(t testing.TB, root, name string, data []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
