package engine

import (
	"context"
	"fmt"
	"strings"
)

// Choice is the outcome of choosing an engine: a running server, or none
// and why.
type Choice struct {
	Postgres *Postgres
	// Reason says why this engine ran, or why none did.
	Reason string
	// Err is set when an engine the user asked for explicitly could not
	// start: the review cannot be what was asked for.
	Err error
}

// Registry maps engine kinds to implementations. The auto order is
// testcontainers, then local (a database URL, when given, comes first).
type Registry map[Kind]Engine

// DefaultRegistry holds the engines built into pgreview.
func DefaultRegistry() Registry {
	return Registry{KindTestcontainers: Testcontainers{}, KindLocal: Local{}, KindDSN: DSN{}}
}

// Choose starts the engine of the given kind; in auto mode it falls back
// as the design says: database URL, testcontainers, local, none.
func (reg Registry) Choose(ctx context.Context, kind Kind, opts Options) Choice {
	if kind == KindNone {
		return Choice{Reason: "engine none was requested: static checks only"}
	}
	if kind != KindAuto {
		e, ok := reg[kind]
		if !ok {
			return Choice{Reason: fmt.Sprintf("engine %s is not available in this build", kind), Err: fmt.Errorf("engine %s is not available in this build", kind)}
		}
		pg, err := e.Start(ctx, opts)
		if err != nil {
			return Choice{Reason: fmt.Sprintf("engine %s failed: %v", kind, err), Err: fmt.Errorf("engine %s: %w", kind, err)}
		}
		pg.Reason = fmt.Sprintf("engine %s was requested", kind) + imageReason(pg, opts)
		return Choice{Postgres: pg, Reason: pg.Reason}
	}
	order := []Kind{KindTestcontainers, KindLocal}
	if opts.DatabaseURL != "" {
		order = []Kind{KindDSN}
	}
	var tried []string
	for _, k := range order {
		e, ok := reg[k]
		if !ok {
			continue
		}
		if p, ok := e.(interface{ Available(context.Context) error }); ok {
			if err := p.Available(ctx); err != nil {
				tried = append(tried, fmt.Sprintf("%s: %v", k, err))
				continue
			}
		}
		pg, err := e.Start(ctx, opts)
		if err != nil {
			if ctx.Err() != nil {
				return Choice{Reason: ctx.Err().Error(), Err: ctx.Err()}
			}
			tried = append(tried, fmt.Sprintf("%s: %v", k, firstLineOf(err.Error())))
			continue
		}
		pg.Reason = autoReason(k, tried) + imageReason(pg, opts)
		return Choice{Postgres: pg, Reason: pg.Reason}
	}
	return Choice{Reason: "no Postgres could be started (" + strings.Join(tried, "; ") + "); live checks skipped"}
}

func autoReason(k Kind, tried []string) string {
	var why string
	switch k {
	case KindDSN:
		why = "a database URL was given"
	case KindTestcontainers:
		why = "Docker is available"
	case KindLocal:
		why = "PostgreSQL server binaries were found"
	}
	if len(tried) > 0 {
		why += " (" + strings.Join(tried, "; ") + ")"
	}
	return "auto: " + why
}

// imageReason says which image a container runs and where that came
// from: "; image postgres:15-alpine from docker-compose.yml:4 (service db)".
func imageReason(pg *Postgres, opts Options) string {
	if pg.Image == "" {
		return ""
	}
	s := "; image " + pg.Image
	if opts.ImageSource != "" {
		s += " " + opts.ImageSource
	}
	return s
}

func firstLineOf(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
