package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks"
)

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func runChecks(env *Env, args []string) error {
	fs := newFlagSet("checks", env.Stderr)
	format := fs.String("format", "text", "text, json or markdown (the reference in docs/checks.md)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	all := checks.All()
	switch *format {
	case "json":
		type row struct {
			Name     string `json:"name"`
			Item     string `json:"item"`
			Severity string `json:"severity"`
			Needs    string `json:"needs"`
			Title    string `json:"title"`
			Doc      string `json:"doc"`
		}
		var rows []row
		for _, c := range all {
			rows = append(rows, row{c.Name, c.Item, c.Severity.String(), c.Needs.String(), c.Title(), c.Doc})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "markdown":
		return writeChecksMarkdown(env.Stdout, all)
	case "text":
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CHECK\tITEM\tSEVERITY\tNEEDS\tTITLE")
		for _, c := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, c.Item, c.Severity, c.Needs, c.Title())
		}
		tw.Flush()
		var manual []string
		for _, a := range check.Areas {
			for _, it := range a.Items {
				if checks.Manual[it.ID] {
					manual = append(manual, it.ID)
				}
			}
		}
		if len(manual) > 0 {
			fmt.Fprintf(env.Stdout, "\nManual items (a human ticks them): %s\n", strings.Join(manual, ", "))
		}
		return nil
	}
	return usagef("--format %q: want text, json or markdown", *format)
}

func runExplain(env *Env, args []string) error {
	if len(args) != 1 {
		return usagef("usage: pgreview explain CHECK (see pgreview checks)")
	}
	c := checks.Lookup(args[0])
	if c == nil {
		return usagef("no check named %q; pgreview checks lists them", args[0])
	}
	item, _ := check.LookupItem(c.Item)
	fmt.Fprintf(env.Stdout, "%s · item %s %s · default severity %s · needs %s\n\n%s\n",
		c.Name, c.Item, item.Title, c.Severity, c.Needs, strings.TrimSpace(c.Doc))
	return nil
}
