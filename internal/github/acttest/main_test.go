// Package acttest runs action.yml itself, as GitHub runs it, with
// nektos/act in host mode against the fake GitHub API: the workflows in
// docs/workflows and a small one that uses ./.
package acttest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ActVersion is the act release the tests build from the Go module proxy.
const ActVersion = "v0.2.89"

var (
	actBin    string
	actCache  string            // act's action cache and tool cache, shared by the runs
	artifacts string            // where the artifact stand-ins keep uploads
	standIns  map[string]string // action@ref -> local stand-in
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "pgreview-act-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	actCache = filepath.Join(tmp, "cache")
	artifacts = filepath.Join(tmp, "artifacts")
	if actBin, err = findAct(); err != nil {
		fmt.Fprintf(os.Stderr, "acttest: %v\n", err)
		return 1
	}
	if standIns, err = writeStandIns(filepath.Join(tmp, "stand-ins")); err != nil {
		fmt.Fprintf(os.Stderr, "acttest: %v\n", err)
		return 1
	}
	return m.Run()
}

// findAct uses $ACT when set, else builds act ActVersion into the user
// cache once (go install through the module proxy; scripts/install-act.sh
// does the same for CI).
func findAct() (string, error) {
	if p := os.Getenv("ACT"); p != "" {
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	gobin := filepath.Join(cache, "pgreview", "act-"+ActVersion)
	bin := filepath.Join(gobin, "act")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "install", "github.com/nektos/act@"+ActVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Dir = os.TempDir() // outside our module, so its go.mod is not touched
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install github.com/nektos/act@%s: %v\n%s", ActVersion, err, out)
	}
	return bin, nil
}

// writeStandIns writes local composite actions for the third-party
// actions the documented workflows use, since the tests have no network:
// the artifact actions copy files through $PGREVIEW_ACT_ARTIFACTS.
// actions/checkout needs none: act itself copies the local clone into the
// job's workspace for it.
func writeStandIns(dir string) (map[string]string, error) {
	actions := map[string]string{
		"actions/upload-artifact@v4": `name: upload-artifact stand-in
inputs:
  name: {required: true}
  path: {required: true}
runs:
  using: composite
  steps:
    - shell: bash
      env: {NAME: '${{ inputs.name }}', SRC: '${{ inputs.path }}'}
      run: mkdir -p "$PGREVIEW_ACT_ARTIFACTS/$NAME" && cp -R "$SRC"/. "$PGREVIEW_ACT_ARTIFACTS/$NAME/"
`,
		"actions/download-artifact@v4": `name: download-artifact stand-in
inputs:
  name: {required: true}
  run-id: {default: ''}
  github-token: {default: ''}
runs:
  using: composite
  steps:
    - shell: bash
      env: {NAME: '${{ inputs.name }}', RUN_ID: '${{ inputs.run-id }}'}
      run: test -n "$RUN_ID" && cp -R "$PGREVIEW_ACT_ARTIFACTS/$NAME"/. .
`,
	}
	out := map[string]string{}
	for name, yml := range actions {
		d := filepath.Join(dir, filepath.Base(name))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(d, "action.yml"), []byte(yml), 0o644); err != nil {
			return nil, err
		}
		out[name] = d
	}
	return out, nil
}
