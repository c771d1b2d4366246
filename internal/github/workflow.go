package github

import (
	"fmt"
	"io"
	"strconv"

	"github.com/sethvargo/go-githubactions"
)

// Workflow talks to the runner through go-githubactions: inputs, outputs,
// the step summary and annotations. Unlike the library it never panics:
// outside Actions (GITHUB_OUTPUT and GITHUB_STEP_SUMMARY unset) outputs
// and the summary are skipped, and a file that cannot be written is an
// error.
type Workflow struct {
	action *githubactions.Action
	getenv func(string) string
}

// NewWorkflow writes workflow commands to stdout.
func NewWorkflow(getenv func(string) string, stdout io.Writer) *Workflow {
	return &Workflow{
		action: githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(stdout)),
		getenv: getenv,
	}
}

// Input is the action input name (INPUT_NAME), trimmed.
func (w *Workflow) Input(name string) string { return w.action.GetInput(name) }

// InputBool reads a boolean input; empty gives def.
func (w *Workflow) InputBool(name string, def bool) (bool, error) {
	v := w.Input(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("input %s: %q is not true or false", name, v)
	}
	return b, nil
}

// SetOutput sets a step output; a no-op without GITHUB_OUTPUT.
func (w *Workflow) SetOutput(name, value string) error {
	if w.getenv("GITHUB_OUTPUT") == "" {
		return nil
	}
	return catch("set output "+name, func() { w.action.SetOutput(name, value) })
}

// AddStepSummary appends Markdown to the job summary; a no-op without
// GITHUB_STEP_SUMMARY.
func (w *Workflow) AddStepSummary(markdown string) error {
	if w.getenv("GITHUB_STEP_SUMMARY") == "" {
		return nil
	}
	return catch("write the step summary", func() { w.action.AddStepSummary(markdown) })
}

// Annotate emits one annotation.
func (w *Workflow) Annotate(a Annotation) error {
	fields := map[string]string{}
	if a.File != "" {
		fields["file"] = a.File
		if a.Line > 0 {
			fields["line"] = strconv.Itoa(a.Line)
		}
	}
	if a.Title != "" {
		fields["title"] = a.Title
	}
	act := w.action.WithFieldsMap(fields)
	return catch("write an annotation", func() {
		switch a.Level {
		case "error":
			act.Errorf("%s", a.Message)
		case "warning":
			act.Warningf("%s", a.Message)
		default:
			act.Noticef("%s", a.Message)
		}
	})
}

// catch turns go-githubactions' panics on write errors into errors.
func catch(doing string, f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", doing, r)
		}
	}()
	f()
	return nil
}
