package github

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// ChangedLines are the lines a pull request adds or changes, by file
// (slash-separated, relative to the reviewed directory).
type ChangedLines map[string][][2]int

// Has reports whether file:line is changed; line 0 asks about the file.
func (c ChangedLines) Has(file string, line int) bool {
	ranges, ok := c[file]
	if !ok || line == 0 {
		return ok
	}
	for _, r := range ranges {
		if line >= r[0] && line <= r[1] {
			return true
		}
	}
	return false
}

// ChangedLinesFromGit diffs the checkout in dir against the PR's base
// commit. It needs the base in the clone (actions/checkout with
// fetch-depth: 0); without it there is simply no preference.
func ChangedLinesFromGit(ctx context.Context, dir, baseSHA string) (ChangedLines, error) {
	if baseSHA == "" {
		return nil, fmt.Errorf("no base commit")
	}
	cmd := exec.CommandContext(ctx, "git", "-c", "core.quotepath=off", "diff", "--unified=0", "--no-color", "--no-ext-diff", "--relative", baseSHA+"...HEAD")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return nil, fmt.Errorf("git diff %s...HEAD in %s: %v: %s (fetch the base with actions/checkout fetch-depth: 0)", short(baseSHA), dir, err, msg)
	}
	return parseUnifiedDiff(out), nil
}

// parseUnifiedDiff reads `git diff --unified=0`: "+++ b/FILE" names the
// file, "@@ -a,b +c,d @@" adds lines c..c+d-1.
func parseUnifiedDiff(out []byte) ChangedLines {
	changed := ChangedLines{}
	file := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "+++ "):
			file = strings.TrimPrefix(strings.TrimPrefix(line, "+++ "), "b/")
			if file == "/dev/null" {
				file = ""
			} else if _, ok := changed[file]; !ok {
				changed[file] = nil
			}
		case strings.HasPrefix(line, "@@ ") && file != "":
			if start, n, ok := newSide(line); ok && n > 0 {
				changed[file] = append(changed[file], [2]int{start, start + n - 1})
			}
		}
	}
	return changed
}

// newSide parses the "+c,d" part of a hunk header.
func newSide(hunk string) (start, n int, ok bool) {
	fields := strings.Fields(hunk)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, false
	}
	spec := strings.TrimPrefix(fields[2], "+")
	a, b, hasCount := strings.Cut(spec, ",")
	start, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	n = 1
	if hasCount {
		if n, err = strconv.Atoi(b); err != nil {
			return 0, 0, false
		}
	}
	return start, n, true
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
