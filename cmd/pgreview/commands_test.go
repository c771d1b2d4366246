package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pgreview/pgreview/internal/engine"
)

// scriptCommands are the custom testscript commands.
func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"github":    githubCmd,
		"output":    outputCmd,
		"bigreport": bigReportCmd,
		"size":      sizeCmd,
		// gitsha VAR DIR REF: set $VAR to the commit REF names in DIR.
		"gitsha": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 || neg {
				ts.Fatalf("usage: gitsha VAR DIR REF")
			}
			out, err := exec.Command("git", "-C", ts.MkAbs(args[1]), "rev-parse", "--verify", args[2]+"^{commit}").CombinedOutput()
			if err != nil {
				ts.Fatalf("git rev-parse %s: %v\n%s", args[2], err, out)
			}
			ts.Setenv(args[0], strings.TrimSpace(string(out)))
		},
		// jsonpath FILE PATH WANT: the value at a dotted path of a JSON file
		// equals WANT. Paths index arrays with numbers: findings.0.check.
		"jsonpath": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: jsonpath FILE PATH WANT")
			}
			got := jsonLookup(ts, args[0], args[1])
			if (got == args[2]) == neg {
				ts.Fatalf("%s %s = %q, want %s%q", args[0], args[1], got, map[bool]string{true: "not ", false: ""}[neg], args[2])
			}
		},
		// jsonmatch FILE PATH REGEXP: the value at a dotted path matches.
		"jsonmatch": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: jsonmatch FILE PATH REGEXP")
			}
			re, err := regexp.Compile(args[2])
			ts.Check(err)
			got := jsonLookup(ts, args[0], args[1])
			if re.MatchString(got) == neg {
				ts.Fatalf("%s %s = %q, want %smatching %s", args[0], args[1], got, map[bool]string{true: "not ", false: ""}[neg], args[2])
			}
		},
		// containers N: N containers (running or not) carry the label
		// org.pgreview.session=$PGREVIEW_SESSION, asked of Docker itself.
		"containers": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 || neg {
				ts.Fatalf("usage: containers N")
			}
			session := ts.Getenv("PGREVIEW_SESSION")
			out, err := exec.Command("docker", "ps", "-a", "--format", "{{.ID}} {{.Status}}",
				"--filter", "label="+engine.LabelSession+"="+session).CombinedOutput()
			if err != nil {
				ts.Fatalf("docker ps: %v\n%s", err, out)
			}
			got := 0
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if l != "" {
					got++
				}
			}
			if want, _ := strconv.Atoi(args[0]); got != want {
				ts.Fatalf("%d containers of session %s, want %s:\n%s", got, session, args[0], out)
			}
		},
		// finding FILE CHECK [FILE:LINE|OBJECT]: the report holds a finding
		// of CHECK, at the given place when one is given.
		"finding": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 2 || len(args) > 3 {
				ts.Fatalf("usage: finding REPORT CHECK [FILE:LINE|OBJECT]")
			}
			found := false
			for _, f := range findings(ts, args[0]) {
				if f.Check != args[1] {
					continue
				}
				if len(args) == 3 && args[2] != fmt.Sprintf("%s:%d", f.File, f.Line) && args[2] != f.Object && args[2] != f.File {
					continue
				}
				found = true
			}
			if found == neg {
				ts.Fatalf("finding %s: found=%v", strings.Join(args[1:], " "), found)
			}
		},
		// item REPORT ID STATUS: the checklist item's status.
		"item": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: item REPORT ID STATUS")
			}
			it := reportItem(ts, args[0], args[1])
			if (it.Status == args[2]) == neg {
				ts.Fatalf("item %s: status %s, want %s%s (notes: %v)", args[1], it.Status, map[bool]string{true: "not ", false: ""}[neg], args[2], it.Notes)
			}
		},
		// evidence REPORT ID FILE:LINE: the item cites evidence there.
		"evidence": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: evidence REPORT ID FILE:LINE")
			}
			found := false
			for _, e := range reportItem(ts, args[0], args[1]).Evidence {
				if fmt.Sprintf("%s:%d", e.File, e.Line) == args[2] {
					found = true
				}
			}
			if found == neg {
				ts.Fatalf("evidence of %s at %s: found=%v", args[1], args[2], found)
			}
		},
	}
}

type scriptItem struct {
	ID, Status string
	Notes      []string
	Evidence   []struct {
		File    string
		Line    int
		Message string
	}
}

func reportItem(ts *testscript.TestScript, file, id string) scriptItem {
	var r struct{ Items []scriptItem }
	if err := json.Unmarshal([]byte(ts.ReadFile(file)), &r); err != nil {
		ts.Fatalf("%s: %v", file, err)
	}
	for _, it := range r.Items {
		if it.ID == id {
			return it
		}
	}
	ts.Fatalf("%s: no item %s", file, id)
	return scriptItem{}
}

type scriptFinding struct {
	Check, Severity, File, Object, Message string
	Line                                   int
}

func findings(ts *testscript.TestScript, file string) []scriptFinding {
	var r struct{ Findings []scriptFinding }
	if err := json.Unmarshal([]byte(ts.ReadFile(file)), &r); err != nil {
		ts.Fatalf("%s: %v", file, err)
	}
	return r.Findings
}

func jsonLookup(ts *testscript.TestScript, file, path string) string {
	var v any
	if err := json.Unmarshal([]byte(ts.ReadFile(file)), &v); err != nil {
		ts.Fatalf("%s: %v", file, err)
	}
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[key]
		case []any:
			var i int
			if _, err := fmt.Sscanf(key, "%d", &i); err != nil || i < 0 || i >= len(x) {
				ts.Fatalf("%s: bad index %q in %s", file, key, path)
			}
			v = x[i]
		default:
			ts.Fatalf("%s: %s: cannot index %T with %q", file, path, v, key)
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
