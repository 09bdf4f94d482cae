package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's configuration table is the options table: the same
// variables, each default as the binary has it, secrets said to be.
func TestReadmeConfigurationTable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(raw)
	start := strings.Index(section, "## Configuration")
	if start < 0 {
		t.Fatal("README has no Configuration section")
	}
	section = section[start:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| ([^|]*) \\| (.*) \\|$")
	documented := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented[m[1]] = [2]string{strings.TrimSpace(m[2]), m[3]}
	}
	delete(documented, "TEST_DATABASE_URL") // the tests', not the binary's
	for _, o := range envOptions {
		d, ok := documented[o.name]
		if !ok {
			t.Errorf("%s is not in the README's configuration table", o.name)
			continue
		}
		delete(documented, o.name)
		switch {
		case o.def == "" && !strings.HasPrefix(d[0], "—"):
			t.Errorf("%s: the README gives the default %q; it has none", o.name, d[0])
		case o.def != "" && !strings.HasPrefix(d[0], "`"+o.def+"`"):
			t.Errorf("%s: the README gives the default %q, the binary %q", o.name, d[0], o.def)
		}
		if o.secret && !strings.Contains(d[1], "Secret") {
			t.Errorf("%s is a secret (also %s_FILE), which the README does not say", o.name, o.name)
		}
	}
	for name := range documented {
		t.Errorf("the README documents %s, which the binary does not read", name)
	}
}
