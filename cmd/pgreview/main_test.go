package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run pgreview in-process as the "pgreview"
// command, so scripts count towards coverage.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pgreview": func() { os.Exit(run()) },
	})
}

// TestScripts runs testdata/script/*.txtar. $REPOS points at the bundled
// testdata repositories; scripts copy what they review into $WORK.
func TestScripts(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPOS", filepath.Join(root, "testdata", "repos"))
			env.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
			// Labels the containers a script's reviews start, so that the
			// containers command sees this script's and no one else's.
			env.Setenv("PGREVIEW_SESSION", "script-"+randomID())
			env.Setenv("NO_COLOR", "1")
			// Scripts name their engine (--engine none|local|testcontainers);
			// in auto mode a review uses testcontainers when Docker answers.
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
		Cmds:                scriptCommands(),
		RequireExplicitExec: true,
	})
}

func randomID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
