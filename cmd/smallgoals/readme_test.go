package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store/storetest"
)

// A transcript of the README: a fenced block opened with ```console
// (```console demo: on the demo data set; else a fresh database). Its
// lines starting with "$ " are typed into `smallgoals shell`; the other
// lines are what the shell prints, in order (a "> " line is a quoted note). Blank lines do not count,
// and dates and times are compared by form, not value (see normalize).
type transcript struct {
	line   int // where the block opens in README.md
	demo   bool
	input  []string
	output []string
}

// readmeTranscripts returns every transcript of the README.
func readmeTranscripts(t *testing.T) []transcript {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var all []transcript
	var cur *transcript
	for i, l := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```console"):
			cur = &transcript{line: i + 1, demo: strings.Fields(l)[len(strings.Fields(l))-1] == "demo"}
		case cur != nil && l == "```":
			all = append(all, *cur)
			cur = nil
		case cur != nil && strings.HasPrefix(l, "$ "):
			cur.input = append(cur.input, strings.TrimPrefix(l, "$ "))
		case cur != nil && strings.TrimSpace(l) != "":
			cur.output = append(cur.output, normalize(l))
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: a console block is not closed", cur.line)
	}
	return all
}

var (
	isoDate   = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	longDate  = regexp.MustCompile(`\b\d{2}\.\d{2}\.\d{4}\b`)
	shortDate = regexp.MustCompile(`\b(man|tir|ons|tor|fre|lør|søn) \d{1,2}\. (jan\.|feb\.|mar\.|apr\.|maj|juni|juli|aug\.|sep\.|okt\.|nov\.|dec\.)`)
	clock     = regexp.MustCompile(`\bkl\. \d{2}\.\d{2}\b`)
	isoWeek   = regexp.MustCompile(`\buge \d{1,2}\b`)
)

// normalize makes a line of the shell's output comparable with the
// README's whatever day the test runs: a date or time becomes its form.
func normalize(l string) string {
	l = strings.TrimRight(l, " ")
	l = isoDate.ReplaceAllString(l, "ÅÅÅÅ-MM-DD")
	l = longDate.ReplaceAllString(l, "DD.MM.ÅÅÅÅ")
	l = shortDate.ReplaceAllString(l, "UGEDAG D. MÅNED")
	l = clock.ReplaceAllString(l, "kl. TT.MM")
	return isoWeek.ReplaceAllString(l, "uge N")
}

// Every transcript of the README is what the program prints: the quick
// start's first session, the demo's commands, and the rest. Typed into
// the real program, a transcript must come out line by line, so the
// README cannot drift from the bot again.
func TestReadmeTranscripts(t *testing.T) {
	all := readmeTranscripts(t)
	demos := 0
	for _, tr := range all {
		if tr.demo {
			demos++
		}
	}
	if len(all) < 3 || demos == 0 {
		t.Fatalf("found %d transcripts (%d on the demo) in README.md: the first session and the demo's at least", len(all), demos)
	}
	for _, tr := range all {
		t.Run(fmt.Sprintf("README.md:%d", tr.line), func(t *testing.T) {
			dir := t.TempDir()
			out := readmeShell(t, tr, map[string]string{"DATABASE_URL": storetest.URL(t), "SMALLGOALS_FILES_DIR": filepath.Join(dir, "smallgoals-files")})
			var got, printed []string
			for _, l := range strings.Split(strings.ReplaceAll(out, dir+"/", ""), "\n") {
				if strings.TrimSpace(l) != "" {
					got, printed = append(got, normalize(l)), append(printed, l)
				}
			}
			for i := 0; i < max(len(got), len(tr.output)); i++ {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(tr.output) {
					w = tr.output[i]
				}
				if g != w {
					t.Fatalf("README.md:%d: output line %d is\n\t%q\nnot, as the README has it,\n\t%q\nthe shell printed:\n%s",
						tr.line, i+1, g, w, strings.Join(printed, "\n"))
				}
			}
		})
	}
}

// readmeClock is the day of the README's transcripts: Wednesday
// 2 December 2026 at 10:00 in Copenhagen. The demo's data and the shell
// run on it, so the numbers in a transcript stay the same from day to day.
var readmeClock = time.Date(2026, 12, 2, 10, 0, 0, 0, smallgoals.Location("Europe/Copenhagen"))

// readmeShell runs the transcript's lines through the program's shell on
// readmeClock, after the demo when it asks for it, and returns stdout.
func readmeShell(t *testing.T, tr transcript, env map[string]string) string {
	t.Helper()
	cfg, err := LoadConfig(envFunc(env))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	log := newLogger(cfg, &stderr)
	keys, err := cfg.Keyring(".", log)
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Keys: keys, Log: log, Stdin: strings.NewReader(strings.Join(tr.input, "\n") + "\n"), Stdout: &stdout,
		Now: func() time.Time { return readmeClock }}
	ctx := context.Background()
	if err := m.Open(ctx, true); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if tr.demo {
		if err := m.Demo(ctx, readmeClock, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.RunShell(ctx); err != nil {
		t.Fatalf("shell: %v; stderr:\n%s", err, stderr.String())
	}
	return stdout.String()
}
