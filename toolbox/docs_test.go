package toolbox

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/commands.md from the registry")

// docs/commands.md must be what the registry says; `make docs` rewrites it.
func TestCommandsDoc(t *testing.T) {
	const path = "../docs/commands.md"
	want := CommandsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make docs`)", err)
	}
	if string(got) != want {
		t.Fatalf("docs/commands.md is stale: run `make docs`")
	}
}
