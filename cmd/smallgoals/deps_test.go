package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The binary does not link package testing (nor any other test-only
// package): test helpers live where only tests import them.
func TestBinaryLinksNoTestPackages(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	cmd := exec.Command(goTool, "list", "-deps", "./cmd/smallgoals")
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "smallgoals/store") || !slices.Contains(deps, "fmt") {
		t.Fatalf("go list -deps printed no dependencies of the binary: %q", out)
	}
	for _, d := range deps {
		if testOnly(d) {
			t.Errorf("the binary depends on %s", d)
		}
	}
}

// testOnly reports whether a package is meant for tests alone.
func testOnly(pkg string) bool {
	switch {
	case pkg == "testing", strings.HasPrefix(pkg, "testing/"),
		strings.HasSuffix(pkg, "/httptest"), strings.HasSuffix(pkg, "/slacktest"):
		return true
	}
	return strings.HasPrefix(pkg, "smallgoals/") && strings.HasSuffix(pkg, "test")
}
