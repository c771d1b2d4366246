package repo

import (
	"bytes"
	"strings"
)

// Ignore is an inline suppression comment:
//
//	-- pgreview:ignore fk-without-index,5.3 the table is append-only
//	# pgreview:ignore committed-credentials test fixture, not a real secret
//
// It names checks (or item IDs) and must give a reason.
type Ignore struct {
	File   string
	Line   int
	Checks []string
	Reason string
}

const ignoreMarker = "pgreview:ignore"

// commentKinds are the kinds whose comments may carry an ignore.
var commentKinds = []Kind{KindSQL, KindPython, KindGo, KindCompose, KindWorkflow, KindYAML,
	KindEnv, KindDockerfile, KindINI, KindTOML, KindShell, KindPGConf, KindRequirements}

// Ignores returns every inline suppression in the repository. Malformed
// ones (no check, no reason) are recorded as warnings and left out.
func (r *Repo) Ignores() []Ignore {
	return cached(r, "ignores", func() []Ignore {
		var out []Ignore
		for _, f := range r.FilesOf(commentKinds...) {
			b, err := f.Bytes()
			if err != nil || !bytes.Contains(b, []byte(ignoreMarker)) {
				continue
			}
			for i, line := range strings.Split(string(b), "\n") {
				_, rest, ok := strings.Cut(line, ignoreMarker)
				if !ok {
					continue
				}
				fields := strings.Fields(rest)
				if len(fields) < 2 {
					r.Warn(f.Path, i+1, "pgreview:ignore needs a check name and a reason, e.g. `pgreview:ignore fk-without-index the table is tiny`; ignored")
					continue
				}
				out = append(out, Ignore{
					File:   f.Path,
					Line:   i + 1,
					Checks: strings.Split(strings.Trim(fields[0], ","), ","),
					Reason: strings.TrimSpace(strings.TrimSuffix(strings.Join(fields[1:], " "), "*/")),
				})
			}
		}
		return out
	})
}
