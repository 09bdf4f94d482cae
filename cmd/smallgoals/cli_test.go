package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"smallgoals/store"
	"smallgoals/store/storetest"
)

// runArgs runs the program with args and env and returns its exit code,
// standard output and standard error.
func runArgs(args []string, env map[string]string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, envFunc(env), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// wantFlags are each subcommand's own flags, as its --help lists them.
var wantFlags = map[string][]string{
	"serve":       {"no-migrate"},
	"shell":       {"no-migrate"},
	"migrate":     nil,
	"grants":      {"app-role", "apply", "owner"},
	"remind":      {"at", "no-migrate", "once"},
	"digest":      {"at", "no-migrate", "once"},
	"retention":   {"at", "no-migrate", "once"},
	"rekey":       {"no-migrate"},
	"demo":        {"no-migrate"},
	"dpo":         {"no-migrate"}, // its commands have their own flags (dpo_test.go)
	"healthcheck": {"live"},
	"version":     nil,
	"help":        nil,
}

// help, --help, -h and -help print one usage text on standard output,
// with every subcommand on a line of its own.
func TestUsage(t *testing.T) {
	var first string
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"-help"}} {
		code, out, errs := runArgs(args, nil)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("%v prints another text than help:\n%s", args, out)
		}
	}
	lines := regexp.MustCompile(`(?m)^  ([a-z]+)  +(\S.*)$`).FindAllStringSubmatch(first, -1)
	var names []string
	for _, l := range lines {
		names = append(names, l[1])
	}
	var want []string
	for _, s := range subcommands() {
		want = append(want, s.name)
	}
	if !slices.Equal(names, want) {
		t.Errorf("help lists %q, want %q:\n%s", names, want, first)
	}
	for name := range wantFlags {
		if !slices.Contains(names, name) {
			t.Errorf("help lacks %s", name)
		}
	}
	if len(names) != len(wantFlags) {
		t.Errorf("help lists %d subcommands, the test knows %d", len(names), len(wantFlags))
	}
}

// Each subcommand's --help (and help NAME) lists its own flags only.
func TestSubcommandHelp(t *testing.T) {
	for name, flags := range wantFlags {
		t.Run(name, func(t *testing.T) {
			code, out, errs := runArgs([]string{name, "--help"}, nil)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: smallgoals "+name) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			var got []string
			for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(out, -1) {
				got = append(got, m[1])
			}
			if !slices.Equal(got, flags) {
				t.Errorf("flags %q, want %q:\n%s", got, flags, out)
			}
			if _, again, _ := runArgs([]string{"help", name}, nil); again != out {
				t.Errorf("help %s prints\n%s\nnot\n%s", name, again, out)
			}
		})
	}
	// A flag of another subcommand is refused, with the usage on stderr.
	code, out, errs := runArgs([]string{"migrate", "--once"}, nil)
	if code != 2 || out != "" || !strings.Contains(errs, "-once") || !strings.Contains(errs, "usage: smallgoals migrate") {
		t.Errorf("migrate --once: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, errs := runArgs([]string{"help", "frobnicate"}, nil); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("help frobnicate: exit %d, stderr %q", code, errs)
	}
}

// highestMigration is the number of the last migration file in the
// source tree.
func highestMigration(t *testing.T) int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repo, "store", "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	slices.Sort(files)
	base := filepath.Base(files[len(files)-1])
	n, err := strconv.ParseInt(base[:strings.IndexByte(base, '_')], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// version works without a database; with DATABASE_URL it also tells the
// database's schema version.
func TestVersion(t *testing.T) {
	schema := highestMigration(t)
	if store.SchemaVersion() != schema {
		t.Fatalf("store.SchemaVersion() = %d, the last migration is %d", store.SchemaVersion(), schema)
	}
	code, out, errs := runArgs([]string{"version"}, nil)
	want := fmt.Sprintf("version   (devel)\ncommit    unknown\nschema    %d\ndatabase  - (DATABASE_URL is not set)\n", schema)
	if code != 0 || errs != "" || out != want {
		t.Errorf("version: exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errs, out, want)
	}

	version, commit = "v1.2.3", "0123abc"
	t.Cleanup(func() { version, commit = "", "" })
	code, out, _ = runArgs([]string{"version"}, nil)
	if code != 0 || !strings.HasPrefix(out, "version   v1.2.3\ncommit    0123abc\n") {
		t.Errorf("version with main.version and main.commit set: exit %d\n%s", code, out)
	}

	code, out, errs = runArgs([]string{"version"}, map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/x?connect_timeout=1&sslmode=disable"})
	if code != 1 || !strings.Contains(out, "schema    "+strconv.FormatInt(schema, 10)+"\ndatabase  unknown\n") || errs == "" {
		t.Errorf("version with the database down: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	url := storetest.URL(t)
	code, out, errs = runArgs([]string{"version"}, map[string]string{"DATABASE_URL": url})
	if code != 0 || !strings.HasSuffix(out, fmt.Sprintf("schema    %d\ndatabase  %d\n", schema, schema)) {
		t.Errorf("version with a migrated database: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}
}

// -ldflags "-X main.version=… -X main.commit=…" name the build.
func TestVersionLdflags(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	bin := filepath.Join(t.TempDir(), "smallgoals")
	build := exec.Command(goTool, "build", "-buildvcs=false", "-ldflags", "-X main.version=v9.8.7 -X main.commit=c0ffee", "-o", bin, "./cmd/smallgoals")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "version")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), "version   v9.8.7\ncommit    c0ffee\nschema    ") {
		t.Errorf("version: %v\n%s", err, out)
	}
}
