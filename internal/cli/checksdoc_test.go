package cli

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// docs/checks.md is generated from the registry; this keeps it current.
// Regenerate with: go run ./cmd/pgreview checks --format markdown > docs/checks.md
func TestChecksDocIsCurrent(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"checks", "--format", "markdown"}, func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	const path = "../../docs/checks.md"
	if os.Getenv("PGREVIEW_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(have, out.Bytes()) {
		t.Fatalf("docs/checks.md is out of date; regenerate it:\n  go run ./cmd/pgreview checks --format markdown > docs/checks.md")
	}
}
