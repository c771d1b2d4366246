package repo

import (
	"strings"
	"testing"
)

const sampleDockerfile = `# syntax=docker/dockerfile:1
# escape=\
ARG PG_MAJOR=16
ARG BASE

FROM --platform=linux/amd64 postgres:${PG_MAJOR}-alpine AS db
ENV POSTGRES_USER=app \
    # a comment inside a continuation
    POSTGRES_DB="app db"
ENV PGDATA /var/lib/postgresql/data/pgdata
RUN <<EOF
echo hello
EOF
COPY init.sql /docker-entrypoint-initdb.d/

FROM $BASE
CMD ["uvicorn", "app.main:app", "--workers", "4"]
`

func TestParseDockerfile(t *testing.T) {
	d := ParseDockerfile("Dockerfile", []byte(sampleDockerfile))
	if len(d.Stages) != 2 {
		t.Fatalf("stages: %+v", d.Stages)
	}
	db := d.Stages[0]
	if db.Image != "postgres:16-alpine" || db.RawImage != "postgres:${PG_MAJOR}-alpine" || db.Name != "db" || db.Line != 6 {
		t.Errorf("stage 0: %+v", db)
	}
	if d.Stages[1].Image != "$BASE" {
		t.Errorf("unknown ARG expanded: %q", d.Stages[1].Image)
	}
	env := db.Instructions[0]
	if env.Cmd != "ENV" || env.Line != 7 {
		t.Fatalf("ENV: %+v", env)
	}
	kv := env.KeyValues()
	if len(kv) != 2 || kv[0].Key != "POSTGRES_USER" || kv[1].Raw != "app db" || kv[1].Line != 7 {
		t.Errorf("ENV pairs: %+v", kv)
	}
	legacy := db.Instructions[1].KeyValues()
	if len(legacy) != 1 || legacy[0].Key != "PGDATA" || legacy[0].Raw != "/var/lib/postgresql/data/pgdata" {
		t.Errorf("legacy ENV: %+v", legacy)
	}
	run := db.Instructions[2]
	if run.Cmd != "RUN" || !strings.Contains(run.Args, "echo hello") || db.Instructions[3].Cmd != "COPY" || db.Instructions[3].Line != 14 {
		t.Errorf("heredoc: %+v / %+v", run, db.Instructions[3])
	}
	cmd := d.Stages[1].Instructions[0]
	if w := cmd.Words(); len(w) != 4 || w[3] != "4" || cmd.Line != 17 {
		t.Errorf("CMD words: %q line %d", w, cmd.Line)
	}
}

func TestDockerfileEscapeDirective(t *testing.T) {
	d := ParseDockerfile("Dockerfile", []byte("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n"))
	if len(d.Instructions) != 2 || d.Instructions[1].Args != "dir c:\\" {
		t.Fatalf("instructions: %+v", d.Instructions)
	}
}

func FuzzParseDockerfile(f *testing.F) {
	f.Add(sampleDockerfile)
	f.Add("FROM a\\\n\\\n")
	f.Add("RUN <<-'X'\nX\nENV a b\"c\nCMD [\"\\\"]")
	f.Fuzz(func(t *testing.T, src string) {
		d := ParseDockerfile("Dockerfile", []byte(src))
		for _, in := range d.Instructions {
			in.KeyValues()
			in.Words()
		}
	})
}
