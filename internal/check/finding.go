package check

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// Location points at what a finding is about: a file and line in the
// repository, a database object, or both.
type Location struct {
	File   string `json:"file,omitempty"` // slash-separated, relative to the repo root
	Line   int    `json:"line,omitempty"` // 1-based; 0 when unknown
	Object string `json:"object,omitempty"`
	// Note says what this location is, for related locations
	// ("created by", "model").
	Note string `json:"note,omitempty"`
}

func (l Location) String() string {
	var s string
	switch {
	case l.File != "" && l.Line > 0:
		s = fmt.Sprintf("%s:%d", l.File, l.Line)
	case l.File != "":
		s = l.File
	}
	if l.Object != "" {
		if s != "" {
			s += " "
		}
		s += l.Object
	}
	return s
}

// WithNote is the location with a note saying what it is ("model").
func (l Location) WithNote(note string) Location {
	l.Note = note
	return l
}

// IsZero reports whether the location points nowhere.
func (l Location) IsZero() bool { return l.File == "" && l.Object == "" }

// Finding is one problem found by a check. Its JSON form is part of the
// report contract (README "JSON report").
type Finding struct {
	Check    string   `json:"check"`
	Item     string   `json:"item"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Location
	// Fix is the remedy, e.g. the safe multi-step recipe for a lock hazard.
	Fix string `json:"fix,omitempty"`
	// Related locations: the migration that created the object, the model
	// that declares it.
	Related []Location `json:"related,omitempty"`
	// New is false when the same finding exists on the base branch. Without a
	// base every finding is new.
	New bool `json:"new"`
	// Fingerprint identifies the finding across commits, independent of line
	// numbers: check, object or file, and the message with numbers removed.
	Fingerprint string `json:"fingerprint"`
}

var digits = regexp.MustCompile(`[0-9]+`)

// ComputeFingerprint fills f.Fingerprint.
func (f *Finding) ComputeFingerprint() {
	h := sha256.New()
	where := f.Object
	if where == "" {
		where = f.File
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s", f.Check, where, digits.ReplaceAllString(strings.ToLower(f.Message), "#"))
	f.Fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
}

// Evidence is something found that satisfies (part of) an item, cited
// when the item passes: "pg_dump job in .github/workflows/backup.yml:12".
type Evidence struct {
	Location
	Message string `json:"message"`
}
