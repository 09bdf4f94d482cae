package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

// In the shell: the access log is written as a CSV file whose path is
// printed; erasing the borger removes it; the retention job runs once.
func TestShellDataProtection(t *testing.T) {
	url := storetest.URL(t)
	dir := t.TempDir()
	env := envFunc(map[string]string{"DATABASE_URL": url, "SMALLGOALS_FILES_DIR": dir, "LOG_LEVEL": "debug"})
	script := strings.Join([]string{
		":user anna", ":channel #slusen",
		"/maal team opret Slusen", "/maal borger ny AB", "/maal ny AB Hemmelig titel",
		"/maal AB-1 5 Hemmelig note", "/maal revider AB-1 +1 fortsættes Hemmelig refleksion",
		"/maal adgangslog AB",
	}, "\n") + "\n"
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"shell"}, env, strings.NewReader(script), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	m := regexp.MustCompile(`📎 (\S+\.csv)`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no file path printed:\n%s", stdout.String())
	}
	data, err := os.ReadFile(m[1])
	if err != nil || !strings.HasPrefix(string(data), "\ufeffTidspunkt;Bruger") || filepath.Dir(m[1]) != dir {
		t.Fatalf("file %s: %v %q", m[1], err, data)
	}
	if strings.Contains(stderr.String(), "Hemmelig") {
		t.Errorf("free text in the log:\n%s", stderr.String())
	}
	// Nothing in clear in the database.
	raw, _ := sql.Open("postgres", url)
	defer raw.Close()
	for _, tbl := range []string{"entries", "goals", "revisions", "audit_events"} {
		var n int
		raw.QueryRow(`SELECT count(*) FROM ` + tbl + ` t WHERE t::text ILIKE '%hemmelig%' OR encode(convert_to(t::text, 'UTF8'), 'escape') ILIKE '%hemmelig%'`).Scan(&n)
		if n != 0 {
			t.Errorf("%s holds the free text in clear", tbl)
		}
	}

	stdout.Reset()
	erase := ":user anna\n:channel #slusen\n/maal borger slet AB bekræft tving\n"
	if code := run(context.Background(), []string{"shell"}, env, strings.NewReader(erase), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "er slettet") {
		t.Fatalf("erase: %s", stdout.String())
	}
	if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
		t.Errorf("the access log file is still on disk after the erasure: %v", err)
	}
	var left int
	raw.QueryRow(`SELECT (SELECT count(*) FROM citizens) + (SELECT count(*) FROM goals) + (SELECT count(*) FROM entries)`).Scan(&left)
	if left != 0 {
		t.Errorf("%d rows left after the erasure", left)
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"retention", "--once", "--at", "2030-01-01T03:15:00+01:00"}, env, nil, &stdout, &stderr); code != 0 ||
		!strings.Contains(stderr.String(), "retention: 0 entries deleted") {
		t.Errorf("retention --once: %d %s", code, stderr.String())
	}
}
