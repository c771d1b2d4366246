package repo

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"runtime"
	"strings"
	"sync"

	"github.com/pgreview/pgreview/internal/python"
)

// Python parses every Python file once, on all cores, and returns the
// models in path order. Files with syntax errors are still modelled; a
// warning names the first bad line.
func (r *Repo) Python() []*python.Module {
	return cached(r, "python", func() []*python.Module {
		files := r.FilesOf(KindPython)
		out := make([]*python.Module, len(files))
		parallel(len(files), func(i int) {
			f := files[i]
			b, err := f.Bytes()
			if err != nil {
				return
			}
			m := python.Parse(f.Path, b)
			if len(m.SyntaxErrors) > 0 {
				r.Warn(f.Path, m.SyntaxErrors[0], "Python syntax error (Python 2, or a typo?); the rest of the file is still reviewed")
			}
			out[i] = m
		})
		return compact(out)
	})
}

// PythonModule returns the model of one file, or nil.
func (r *Repo) PythonModule(path string) *python.Module {
	for _, m := range r.Python() {
		if m.Path == path {
			return m
		}
	}
	return nil
}

// GoFile is one parsed Go file.
type GoFile struct {
	Path string
	Fset *token.FileSet
	AST  *ast.File
	Test bool // a _test.go file
}

// Line returns the line of a position in the file.
func (g *GoFile) Line(p token.Pos) int { return g.Fset.Position(p).Line }

// Go parses every Go file once, on all cores. Files that do not parse are
// warned about and left out.
func (r *Repo) Go() []*GoFile {
	return cached(r, "go", func() []*GoFile {
		files := r.FilesOf(KindGo)
		out := make([]*GoFile, len(files))
		parallel(len(files), func(i int) {
			f := files[i]
			b, err := f.Bytes()
			if err != nil {
				return
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f.Path, b, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				line := 0
				if el, ok := err.(scanner.ErrorList); ok && len(el) > 0 {
					line = el[0].Pos.Line
				}
				r.Warn(f.Path, line, "Go syntax error: %v", firstErr(err))
				if file == nil {
					return
				}
			}
			out[i] = &GoFile{Path: f.Path, Fset: fset, AST: file, Test: strings.HasSuffix(f.Path, "_test.go")}
		})
		return compact(out)
	})
}

func firstErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, " (and "); i > 0 {
		s = s[:i]
	}
	return s
}

// parallel runs fn(0..n-1) on all cores.
func parallel(n int, fn func(int)) {
	workers := runtime.GOMAXPROCS(0)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func compact[T any](xs []*T) []*T {
	out := xs[:0]
	for _, x := range xs {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// PythonProject indexes the Python modules by import name, so checks can
// follow names across files to their values (python.Project.Eval).
func (r *Repo) PythonProject() *python.Project {
	return cached(r, "pyproject-index", func() *python.Project {
		return python.NewProject(r.Python())
	})
}
