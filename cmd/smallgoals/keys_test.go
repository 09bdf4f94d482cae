package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smallgoals"
	"smallgoals/store/storetest"
)

func TestDataKeyConfig(t *testing.T) {
	dir := t.TempDir()
	const badKey = "c2hvcnQta2V5LVNFQ1JFVA==" // base64 of "short-key-SECRET"
	badFile := filepath.Join(dir, "bad")
	os.WriteFile(badFile, []byte(badKey+"\n"), 0o600)
	goodFile := filepath.Join(dir, "good")
	os.WriteFile(goodFile, []byte(testDataKey+"\n"), 0o600)
	_, old1 := smallgoals.GenerateKey()
	_, old2 := smallgoals.GenerateKey()
	oldFile := filepath.Join(dir, "old")
	os.WriteFile(oldFile, []byte(old1+"\n"+old2+"\n"), 0o600)

	slack := func(kv ...string) map[string]string {
		m := map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN": "b", "SLACK_SIGNING_SECRET": "s"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name string
		env  map[string]string
		err  []string // all in the error
		old  int
	}{
		{"http without a key", slack(), []string{"SMALLGOALS_DATA_KEY is required", "openssl rand -base64 32"}, 0},
		{"socket without a key", map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN": "b", "SLACK_APP_TOKEN": "a"},
			[]string{"SMALLGOALS_DATA_KEY is required", "openssl rand -base64 32"}, 0},
		{"short key", slack("SMALLGOALS_DATA_KEY", badKey), []string{"SMALLGOALS_DATA_KEY must be base64 of 32 random bytes", "openssl rand -base64 32"}, 0},
		{"not base64", slack("SMALLGOALS_DATA_KEY", "SECRET!not*base64"), []string{"SMALLGOALS_DATA_KEY must be"}, 0},
		{"short key in a file", slack("SMALLGOALS_DATA_KEY_FILE", badFile), []string{"SMALLGOALS_DATA_KEY_FILE must be"}, 0},
		{"short key in the shell", map[string]string{"DATABASE_URL": "u", "SMALLGOALS_DATA_KEY": badKey}, []string{"SMALLGOALS_DATA_KEY must be"}, 0},
		{"key from a file", slack("SMALLGOALS_DATA_KEY_FILE", goodFile), nil, 0},
		{"old keys", slack("SMALLGOALS_DATA_KEY", testDataKey, "SMALLGOALS_OLD_DATA_KEYS", " "+old1+" , "+old2+","), nil, 2},
		{"old keys in a file, a line each", slack("SMALLGOALS_DATA_KEY", testDataKey, "SMALLGOALS_OLD_DATA_KEYS_FILE", oldFile), nil, 2},
		{"a bad old key", slack("SMALLGOALS_DATA_KEY", testDataKey, "SMALLGOALS_OLD_DATA_KEYS", old1+","+badKey),
			[]string{"SMALLGOALS_OLD_DATA_KEYS: key 2 of 2 is not base64 of 32 bytes"}, 0},
		{"a bad old key in a file", slack("SMALLGOALS_DATA_KEY", testDataKey, "SMALLGOALS_OLD_DATA_KEYS_FILE", badFile),
			[]string{"SMALLGOALS_OLD_DATA_KEYS_FILE: key 1 of 1"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(envFunc(c.env))
			if c.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.DataKey == nil || len(cfg.OldDataKeys) != c.old {
					t.Fatalf("data key %v, %d old keys; want a key and %d", cfg.DataKey, len(cfg.OldDataKeys), c.old)
				}
				kr, err := cfg.Keyring(t.TempDir(), nil)
				if err != nil || kr.CurrentID() != cfg.DataKey.ID() || len(kr.IDs()) != 1+c.old {
					t.Fatalf("Keyring = %v, %v", kr, err)
				}
				return
			}
			if err == nil {
				t.Fatal("LoadConfig accepted it")
			}
			for _, want := range c.err {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			for _, secret := range []string{badKey, "SECRET", old1, testDataKey} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q echoes a key", err)
				}
			}
		})
	}

	// The program stops before touching the database.
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, envFunc(slack()), strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "SMALLGOALS_DATA_KEY is required") {
		t.Errorf("serve without a key: exit %d, %q", code, stderr.String())
	}
}

// shellRun runs `smallgoals ARGS` with the script on standard input.
func shellRun(t *testing.T, env map[string]string, script string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, envFunc(env), strings.NewReader(script), &out, &errb)
	return code, out.String(), errb.String()
}

// shell runs `smallgoals shell` on the lines and returns what it printed;
// it fails the test unless the shell exits 0.
func shell(t *testing.T, env map[string]string, lines ...string) string {
	t.Helper()
	code, out, errs := shellRun(t, env, strings.Join(lines, "\n")+"\n", "shell")
	if code != 0 {
		t.Fatalf("shell: exit %d; stderr:\n%s", code, errs)
	}
	return out
}

// The shell without SMALLGOALS_DATA_KEY generates a key into
// .smallgoals-data-key (0600) and reuses it; the data is encrypted under
// it. A run with another key refuses to start and names the key IDs;
// `rekey` with the old key listed moves everything under the new one.
func TestShellKeyFileAndRekey(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	url := storetest.URL(t)
	env := map[string]string{"DATABASE_URL": url}
	const note = "Tog bussen med støtte"
	code, out, errs := shellRun(t, env, strings.Join([]string{
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB",
		"/maal ny AB Tage bussen alene", "/maal AB-1 4 b:6 " + note,
	}, "\n")+"\n", "shell")
	if code != 0 || !strings.Contains(out, "Registreret på AB-1") {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errs)
	}
	if n := strings.Count(errs, ShellKeyFile); n != 1 || !strings.Contains(errs, "generated a data key") {
		t.Errorf("first run's stderr mentions the key file %d times: %q", n, errs)
	}
	st, err := os.Stat(filepath.Join(dir, ShellKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, st.Mode())
	}
	b, _ := os.ReadFile(filepath.Join(dir, ShellKeyFile))
	shellKey, err := smallgoals.ParseKey(string(b))
	if err != nil {
		t.Fatalf("key file holds no key: %v", err)
	}
	if strings.Contains(errs, strings.TrimSpace(string(b))) {
		t.Error("the key reached the log")
	}

	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var clear, rows int
	raw.QueryRow(`SELECT count(*) FILTER (WHERE position(convert_to($1, 'UTF8') IN note) > 0), count(*) FROM entries WHERE key_id = $2`,
		note, shellKey.ID()).Scan(&clear, &rows)
	if clear != 0 || rows != 1 {
		t.Fatalf("entries under the shell's key: %d, in clear: %d; want 1, 0", rows, clear)
	}

	show := ":user anna\n:channel #slusen\n/maal vis AB-1\n"
	code, out, errs = shellRun(t, env, show, "shell")
	if code != 0 || !strings.Contains(out, note) {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(errs, "generated") {
		t.Errorf("second run generated another key: %q", errs)
	}
	if b2, _ := os.ReadFile(filepath.Join(dir, ShellKeyFile)); !bytes.Equal(b, b2) {
		t.Error("the key file changed")
	}

	newKey, err := smallgoals.ParseKey(testDataKey)
	if err != nil {
		t.Fatal(err)
	}
	env["SMALLGOALS_DATA_KEY"] = testDataKey
	code, _, errs = shellRun(t, env, show, "shell")
	if code != 1 || !strings.Contains(errs, shellKey.ID()) || !strings.Contains(errs, "SMALLGOALS_OLD_DATA_KEYS") {
		t.Fatalf("run with another key: exit %d, %q; want start-up refused naming %s", code, errs, shellKey.ID())
	}

	env["SMALLGOALS_OLD_DATA_KEYS"] = strings.TrimSpace(string(b))
	var n int
	raw.QueryRow(`SELECT (SELECT count(*) FROM goals) + (SELECT count(*) FROM entries)
		+ (SELECT count(*) FROM plan_goals) + (SELECT count(*) FROM revisions)`).Scan(&n)
	code, out, errs = shellRun(t, env, "", "rekey")
	want := fmt.Sprintf("rekey: %d rows re-encrypted under key %s\n", n, newKey.ID())
	if code != 0 || out != "" || n == 0 || !strings.Contains(errs, want) {
		t.Fatalf("rekey: exit %d, stdout %q, stderr %q; want %q", code, out, errs, want)
	}
	code, _, errs = shellRun(t, env, "", "rekey")
	if code != 0 || !strings.Contains(errs, "rekey: 0 rows re-encrypted under key "+newKey.ID()) {
		t.Fatalf("second rekey: exit %d, %q", code, errs)
	}

	delete(env, "SMALLGOALS_OLD_DATA_KEYS")
	code, out, errs = shellRun(t, env, show, "shell")
	if code != 0 || !strings.Contains(out, note) {
		t.Fatalf("run with the new key alone: exit %d\n%s\n%s", code, out, errs)
	}
}
