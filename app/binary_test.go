package app

import (
	"go/parser"
	"go/token"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// productionBinary is what an operator installs. It holds only what runs
// in production: no test framework, no test servers, no demo.
const productionBinary = "smartup0.org/engelbot/cmd/engelbot"

// testInfrastructure names this module's packages that exist for tests and
// the demo, and why each must stay out of the production binary.
var testInfrastructure = map[string]string{
	"smartup0.org/engelbot/servers": "the test-server launcher",
	"smartup0.org/engelbot/demo":    "the demo community",
	"smartup0.org/engelbot/chat":    "the Matrix client for people and tests",
}

// testCode says why a package linked into the production binary is test
// code, or "" when it is not.
func testCode(pkg string, standard bool) string {
	if pkg == "testing" || strings.HasPrefix(pkg, "testing/") {
		return "Go's test framework"
	}
	if why, ok := testInfrastructure[pkg]; ok {
		return why
	}
	elems := strings.Split(pkg, "/")
	// The standard library's internal packages (internal/testlog,
	// internal/synctest) are part of every Go program, test or not.
	if standard && slices.Contains(elems, "internal") {
		return ""
	}
	if strings.HasSuffix(elems[len(elems)-1], "test") {
		return "a test helper package"
	}
	return ""
}

// The production binary's whole dependency tree holds no test code. A
// failure names the package and the chain of imports that brings it in.
func TestProductionBinaryHoldsNoTestCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f",
		"{{.ImportPath}}\t{{.Standard}}\t{{join .Imports \" \"}}", productionBinary).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", productionBinary, err)
	}
	imports := map[string][]string{}
	standard := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("go list printed %q, want path, standard and imports", line)
		}
		imports[fields[0]] = strings.Fields(fields[2])
		standard[fields[0]] = fields[1] == "true"
	}
	// The binary does link the ledger: not seeing it would mean this test
	// read nothing.
	if _, ok := imports["smartup0.org/engelbot/ledger"]; !ok {
		t.Fatalf("go list -deps %s does not list the ledger; the check is not looking at the real graph", productionBinary)
	}
	for _, pkg := range slices.Sorted(maps.Keys(imports)) {
		if why := testCode(pkg, standard[pkg]); why != "" {
			t.Errorf("the production binary links %s (%s), imported through %s",
				pkg, why, strings.Join(importChain(imports, productionBinary, pkg), " → "))
		}
	}
}

// importChain is a shortest chain of imports from one package to another.
func importChain(imports map[string][]string, from, to string) []string {
	parent := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		if pkg == to {
			var chain []string
			for p := to; p != ""; p = parent[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			return chain
		}
		for _, imp := range imports[pkg] {
			if _, seen := parent[imp]; !seen {
				parent[imp] = pkg
				queue = append(queue, imp)
			}
		}
	}
	return []string{from, "…", to}
}

// Outside test files, only test helper packages import the testing
// package — and servers/testing.go, whose helpers start servers for a
// test. The rest of servers is shared with the demo and must stay usable
// without it.
func TestOnlyTestHelpersImportTesting(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{.Name}}\t{{join .GoFiles \" \"}}", "smartup0.org/engelbot/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{"smartup0.org/engelbot/servers/testing.go": true}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			t.Fatalf("go list printed %q, want import path, directory, name and files", line)
		}
		pkg, dir, name := fields[0], fields[1], fields[2]
		if strings.HasSuffix(name, "test") {
			continue
		}
		for _, file := range strings.Fields(fields[3]) {
			path := filepath.Join(dir, file)
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			seen++
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p != "testing" {
					continue
				}
				if !allowed[pkg+"/"+file] {
					t.Errorf("%s imports testing; test helpers belong in a package of their own (named …test)", path)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("go list showed no Go files; the check is not looking at the module")
	}
}
