package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/pgreview/pgreview/internal/check"
)

// MarkdownOptions shape the PR comment beyond the report itself.
type MarkdownOptions struct {
	// Ticks maps the ID of each manual item a human ticked in the previous
	// comment to the evidence fingerprint it was ticked against (TicksFrom).
	// A tick is kept while the fingerprint is unchanged.
	Ticks map[string]string
	// Limit is the most characters the comment may have (0: no limit).
	// Details are folded, worst last, until it fits.
	Limit int
	// FullReport says, in Markdown, where the unabridged report is; it is
	// cited whenever something is folded.
	FullReport string
}

// DefaultFullReport is cited when MarkdownOptions.FullReport is empty.
const DefaultFullReport = "`pgreview-report.json` (`pgreview review --format json`)"

// commentView is what comment.md.tmpl renders: the report plus the
// decisions taken for this rendering (ticks kept, details folded).
type commentView struct {
	*Report
	Areas      []areaView
	Fold       fold
	Folded     int // findings not listed
	Total      int // findings in the report
	FullReport string
	// Existing lists, by item, the findings the base branch has too; they
	// are folded away under their own heading (pull request reviews).
	Existing []existingView
	// Schema is the pull request's schema diff, as lines of a diff block.
	Schema *schemaView
}

type areaView struct {
	AreaView
	Items []itemView
	// Passing counts the clear items folded into one line (fold.passing).
	Passing []string
}

type itemView struct {
	Item
	Box      string // "x" or " "
	Shown    []check.Finding
	Hidden   int // findings folded into a count
	Evidence []check.Evidence
	Notes    []string
	// Mark is the hidden fingerprint comment that lets the next run tell
	// whether a human tick still applies; only manual items carry one.
	Mark string
	// Existing counts the item's findings that the base branch has too,
	// listed in the comment's "Already on the base branch" section.
	Existing int
	// OnlyExisting: the item fails on the base branch's findings alone;
	// the pull request changes nothing about it.
	OnlyExisting bool
}

// fold is how much a rendering leaves out to fit the size limit.
type fold struct {
	level int
	// Passing collapses clear areas and passing items to counts.
	Passing bool
	// MaxFindings caps the findings listed per item (-1: no cap).
	MaxFindings int
	// Lists folds warnings and suppressions to counts, and evidence and
	// notes beyond the first.
	Lists bool
	// MaxExisting caps the findings listed per item in the "Already on
	// the base branch" section, which folds before the pull request's
	// own findings do (-1: no cap).
	MaxExisting int
	// MaxChanges caps the lines of the schema diff (-1: no cap).
	MaxChanges int
}

// foldLevels go from nothing folded to everything folded that can be.
var foldLevels = []fold{
	{level: 0, MaxFindings: -1, MaxExisting: -1, MaxChanges: -1},
	{level: 1, Passing: true, MaxFindings: -1, MaxExisting: 5, MaxChanges: 200},
	{level: 2, Passing: true, MaxFindings: 20, MaxExisting: 3, MaxChanges: 100},
	{level: 3, Passing: true, MaxFindings: 10, Lists: true, MaxExisting: 1, MaxChanges: 50},
	{level: 4, Passing: true, MaxFindings: 5, Lists: true, MaxExisting: 0, MaxChanges: 20},
	{level: 5, Passing: true, MaxFindings: 3, Lists: true, MaxExisting: 0, MaxChanges: 10},
	{level: 6, Passing: true, MaxFindings: 2, Lists: true, MaxExisting: 0, MaxChanges: 5},
	{level: 7, Passing: true, MaxFindings: 1, Lists: true, MaxExisting: 0, MaxChanges: 5},
	{level: 8, Passing: true, MaxFindings: 0, Lists: true, MaxExisting: 0, MaxChanges: 0},
}

// WriteMarkdown renders the PR comment in full.
func WriteMarkdown(w io.Writer, r *Report) error {
	s, err := RenderMarkdown(r, MarkdownOptions{})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, s)
	return err
}

// RenderMarkdown renders the PR comment, keeping the human ticks in
// opts.Ticks and folding details until it fits opts.Limit. Findings are
// never dropped silently: the comment says how many were folded and where
// the full report is.
func RenderMarkdown(r *Report, opts MarkdownOptions) (string, error) {
	var out string
	for _, f := range foldLevels {
		s, err := renderComment(newCommentView(r, opts, f))
		if err != nil {
			return "", err
		}
		out = s
		if opts.Limit <= 0 || len(s) <= opts.Limit {
			return s, nil
		}
	}
	return cutToLimit(out, opts), nil
}

// cutToLimit is the last resort when even the most folded comment is too
// long (e.g. one enormous message): cut it and say so where it is cut.
func cutToLimit(s string, opts MarkdownOptions) string {
	note := fmt.Sprintf("\n\n> [!WARNING]\n> This comment was cut at %d characters to fit GitHub's limit. The full report is in %s.\n", opts.Limit, fullReport(opts))
	keep := opts.Limit - len(note)
	if keep < 0 {
		keep = 0
	}
	// Cut on a line boundary, never inside a multi-byte character.
	for keep > 0 && s[keep-1] != '\n' {
		keep--
	}
	return s[:keep] + note
}

func fullReport(opts MarkdownOptions) string {
	if opts.FullReport != "" {
		return opts.FullReport
	}
	return DefaultFullReport
}

func newCommentView(r *Report, opts MarkdownOptions, f fold) *commentView {
	v := &commentView{Report: r, Fold: f, Total: len(r.Findings), FullReport: fullReport(opts)}
	order := orderedItems
	if r.Compared() {
		order = orderedItemsNewFirst
		v.Schema = newSchemaView(r.SchemaDiff, f)
	}
	for _, a := range r.Areas() {
		av := areaView{AreaView: a}
		for _, it := range order(a.Items) {
			if f.Passing && isClear(it) {
				av.Passing = append(av.Passing, it.ID)
				continue
			}
			iv := newItemView(it, opts.Ticks, f, r.Compared())
			v.Folded += iv.Hidden
			av.Items = append(av.Items, iv)
		}
		v.Areas = append(v.Areas, av)
	}
	if r.Compared() {
		for _, it := range orderedItems(r.Items) {
			if ev, ok := newExistingView(it, f); ok {
				v.Folded += ev.Hidden
				v.Existing = append(v.Existing, ev)
			}
		}
	}
	return v
}

func newItemView(it Item, ticks map[string]string, f fold, compared bool) itemView {
	iv := itemView{Item: it, Box: " ", Shown: it.Findings, Evidence: it.Evidence, Notes: it.Notes}
	if compared {
		added, existing := newFirst(it.Findings)
		iv.Shown, iv.Existing = added, len(existing)
		iv.OnlyExisting = len(added) == 0 && len(existing) > 0 && it.Status == check.StatusFail
	}
	switch {
	case isClear(it):
		iv.Box = "x"
	case it.Status == check.StatusManual:
		fp := ItemFingerprint(it)
		iv.Mark = itemMark(it.ID, fp)
		if old, ok := ticks[it.ID]; ok && old == fp {
			iv.Box = "x"
		}
	}
	if f.MaxFindings >= 0 && len(iv.Shown) > f.MaxFindings {
		iv.Hidden = len(iv.Shown) - f.MaxFindings
		iv.Shown = iv.Shown[:f.MaxFindings]
	}
	if len(iv.Evidence) > 3 {
		iv.Evidence = iv.Evidence[:3]
	}
	if f.Lists {
		if len(iv.Evidence) > 1 {
			iv.Evidence = iv.Evidence[:1]
		}
		if len(iv.Notes) > 1 {
			iv.Notes = iv.Notes[:1]
		}
	}
	return iv
}

func isClear(it Item) bool { return it.Status == check.StatusPass || it.Status == check.StatusNA }

// ItemFingerprint identifies what an item's verdict rests on: its status,
// findings, evidence and notes. A human tick on a manual item stands until
// this changes.
func ItemFingerprint(it Item) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", it.ID, it.Status)
	for _, f := range it.Findings {
		fp := f.Fingerprint
		if fp == "" {
			f.ComputeFingerprint()
			fp = f.Fingerprint
		}
		fmt.Fprintf(h, "f\x00%s\x00", fp)
	}
	for _, e := range it.Evidence {
		fmt.Fprintf(h, "e\x00%s\x00%s\x00%s\x00", e.File, e.Object, e.Message)
	}
	for _, n := range it.Notes {
		fmt.Fprintf(h, "n\x00%s\x00", n)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
