package repo

import (
	"regexp"
	"testing"
)

const sampleDoc = `---
title: ops
---
# ledger

Intro text.

Operations
==========

## Backups ##

Nightly pg_dump, see below.

` + "```sh" + `
# not a heading
pg_restore -d ledger dump.fc
` + "```" + `

Restore drill
-------------

    # indented code, not a heading
    pg_dump -Fc

- item
`

func TestParseDoc(t *testing.T) {
	d := ParseDoc("README.md", []byte(sampleDoc))
	want := []Heading{{1, "ledger", 4}, {1, "Operations", 8}, {2, "Backups", 11}, {2, "Restore drill", 20}}
	if len(d.Headings) != len(want) {
		t.Fatalf("headings: %+v", d.Headings)
	}
	for i, h := range want {
		if d.Headings[i] != h {
			t.Errorf("heading %d = %+v, want %+v", i, d.Headings[i], h)
		}
	}
	ms := d.Grep(regexp.MustCompile(`pg_(dump|restore)`))
	if len(ms) != 3 {
		t.Fatalf("grep: %+v", ms)
	}
	if ms[0].N != 13 || ms[0].Code || ms[0].Heading.Text != "Backups" {
		t.Errorf("first match: %+v", ms[0])
	}
	if ms[1].N != 17 || !ms[1].Code || ms[2].N != 24 || !ms[2].Code || ms[2].Heading.Text != "Restore drill" {
		t.Errorf("code matches: %+v %+v", ms[1], ms[2])
	}
	ops := d.HeadingsMatching(regexp.MustCompile(`(?i)operations`))
	if len(ops) != 1 {
		t.Fatalf("operations heading: %+v", ops)
	}
	sec := d.Section(ops[0])
	if len(sec) == 0 || sec[0].N != 10 || sec[len(sec)-1].N != len(d.Lines) {
		t.Errorf("section: first %+v, last %+v of %d", sec[0], sec[len(sec)-1], len(d.Lines))
	}
}

func TestParseRST(t *testing.T) {
	d := ParseDoc("docs/ops.rst", []byte("=====\nTitle\n=====\n\nBackups\n-------\n\ntext\n"))
	if len(d.Headings) != 2 || d.Headings[0].Text != "Title" || d.Headings[1] != (Heading{2, "Backups", 5}) {
		t.Fatalf("headings: %+v", d.Headings)
	}
}

func TestDocsAccessor(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"README.md": "# x\n", "docs/a.md": "## y\n", "main.go": "package main\n"})
	r, _ := Open(root)
	docs := r.Docs()
	if len(docs) != 2 || docs[0].Path != "README.md" || docs[1].Headings[0].Text != "y" {
		t.Fatalf("docs: %+v", docs)
	}
}

func FuzzParseDoc(f *testing.F) {
	f.Add("README.md", sampleDoc)
	f.Add("a.rst", "Title\n=====\n\n::\n\n  code\n")
	f.Add("a.md", "---\n---\n```\n~~~\n#\n=\n")
	f.Fuzz(func(t *testing.T, path, src string) {
		d := ParseDoc(path, []byte(src))
		for _, h := range d.Headings {
			if h.Line < 1 || h.Line > len(d.Lines) {
				t.Fatalf("heading line %d of %d", h.Line, len(d.Lines))
			}
			d.Section(h)
		}
	})
}
