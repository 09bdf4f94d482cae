package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

func envFunc(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// testDataKey is a data key for the tests (base64 of 32 bytes).
const testDataKey = "Y21kIHRlc3QgZGF0YSBrZXkgLSBub3QgYSBzZWNyZXQ="

// TestMain runs the tests in a directory of their own: the shell keeps a
// generated data key in the working directory.
// repo is the repository's root, found before TestMain leaves it.
var repo string

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	repo = filepath.Join(wd, "..", "..")
	dir, err := os.MkdirTemp("", "smallgoals-cmd-test-")
	if err != nil {
		panic(err)
	}
	if err := os.Chdir(dir); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The foundation issue's acceptance script, piped into `smallgoals shell`
// against a fresh database.
func TestShellAcceptance(t *testing.T) {
	url := storetest.URL(t)
	script := strings.Join([]string{
		":user anna",
		":channel #slusen",
		"/maal team opret Slusen",
		"/maal borger ny AB",
		"/maal ny AB Tage bussen alene til arbejde",
		"/maal AB-1 4 b:6 Tog bussen med støtte",
		"/maal AB-1 11",
		"/maal AB-1 5 Ringede 010190-1234 i dag",
		"/maal AB",
		"/maal vis AB-1",
		"/maal revider AB-1 +1 fortsættes Gik bedre end ventet",
		":user bo",
		":channel #andet",
		"/maal AB-1 5",
		"/maal help",
	}, "\n") + "\n"
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"shell"}, envFunc(map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "debug"}),
		strings.NewReader(script), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"Lille mål AB-1 oprettet",
		"Registreret på AB-1: personale 4 · borger 6 · i dag",
		"11 er ikke på skalaen for AB-1: skriv et helt tal fra 1 til 10",
		"CPR-nummer",
		"AB-1 Tage bussen alene til arbejde\npersonale 4 · borger 6",
		"> Tog bussen med støtte",
		"Revision af AB-1 gemt: GAS +1 · fortsættes",
		"Der er intet mål AB-1 blandt dine borgeres mål.",
		"Small goals — how to use me",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	for _, bad := range []string{"010190", "{\"", "<@", "&lt;"} {
		if strings.Contains(out, bad) {
			t.Errorf("stdout holds %q", bad)
		}
	}
	// Standard error has logs only, and no free text at any level.
	for _, secret := range []string{"Tog bussen", "010190", "Gik bedre", "Tage bussen"} {
		if strings.Contains(stderr.String(), secret) {
			t.Errorf("stderr holds %q:\n%s", secret, stderr.String())
		}
	}
	// The reply to bo says nothing about AB beyond the ref he typed.
	bo := out[strings.LastIndex(out, "Der er intet mål AB-1 blandt"):]
	bo = bo[:strings.Index(bo, "Small goals")]
	for _, leak := range []string{"Tage bussen", "Slusen", "anna", "4"} {
		if strings.Contains(bo, leak) {
			t.Errorf("the outsider's reply holds %q: %q", leak, bo)
		}
	}
}

func TestMigrateCommand(t *testing.T) {
	url := storetest.URL(t)
	var stdout, stderr bytes.Buffer
	for i := 0; i < 2; i++ {
		if code := run(context.Background(), []string{"migrate"}, envFunc(map[string]string{"DATABASE_URL": url}), nil, &stdout, &stderr); code != 0 {
			t.Fatalf("migrate exit %d: %s", code, stderr.String())
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("migrate wrote to stdout: %q", stdout.String())
	}
}

func TestBadUsage(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		code int
		want string
	}{
		{[]string{"frobnicate"}, nil, 2, "unknown command"},
		{[]string{"shell", "extra"}, nil, 2, "unexpected argument"},
		{[]string{"shell"}, map[string]string{}, 2, "DATABASE_URL is required"},
		{[]string{"shell"}, map[string]string{"DATABASE_URL": "postgres://x", "SLACK_BOT_TOKEN": "xoxb-1"}, 2, "SLACK_APP_TOKEN"},
		{[]string{"shell"}, map[string]string{"DATABASE_URL": "postgres://x", "SMALLGOALS_LANG": "de"}, 2, "SMALLGOALS_LANG"},
		{[]string{"remind"}, map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/x?connect_timeout=1"}, 1, "start-up failed"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, envFunc(c.env), strings.NewReader(""), &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v wrote to stdout: %q", c.args, stdout.String())
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "bot")
	os.WriteFile(tokenFile, []byte("xoxb-from-file\n"), 0o600)
	cases := []struct {
		name      string
		env       map[string]string
		transport string
		err       string
	}{
		{"shell", map[string]string{"DATABASE_URL": "u"}, TransportShell, ""},
		{"socket", map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN": "b", "SLACK_APP_TOKEN": "a", "SMALLGOALS_DATA_KEY": testDataKey}, TransportSocket, ""},
		{"http", map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN": "b", "SLACK_SIGNING_SECRET": "s", "SMALLGOALS_DATA_KEY": testDataKey}, TransportHTTP, ""},
		{"file secret", map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN_FILE": tokenFile, "SLACK_SIGNING_SECRET": "s", "SMALLGOALS_DATA_KEY": testDataKey}, TransportHTTP, ""},
		{"both file and value", map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN_FILE": tokenFile, "SLACK_BOT_TOKEN": "x"}, "", "SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FILE"},
		{"missing file", map[string]string{"DATABASE_URL_FILE": filepath.Join(dir, "none")}, "", "DATABASE_URL_FILE"},
		{"app only", map[string]string{"DATABASE_URL": "u", "SLACK_APP_TOKEN": "a"}, "", "SLACK_BOT_TOKEN is missing"},
		{"secret only", map[string]string{"DATABASE_URL": "u", "SLACK_SIGNING_SECRET": "s"}, "", "SLACK_BOT_TOKEN is missing"},
		{"bot only", map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN": "b"}, "", "neither SLACK_APP_TOKEN"},
		{"bad tz", map[string]string{"DATABASE_URL": "u", "SMALLGOALS_TZ": "Mars/Olympus"}, "", "SMALLGOALS_TZ"},
		{"bad level", map[string]string{"DATABASE_URL": "u", "LOG_LEVEL": "loud"}, "", "LOG_LEVEL"},
		{"bad format", map[string]string{"DATABASE_URL": "u", "LOG_FORMAT": "xml"}, "", "LOG_FORMAT"},
		{"bad conns", map[string]string{"DATABASE_URL": "u", "DATABASE_MAX_CONNS": "0"}, "", "DATABASE_MAX_CONNS"},
		{"audit log kept", map[string]string{"DATABASE_URL": "u", "RETENTION_DAYS": "0", "AUDIT_RETENTION_DAYS": "0"}, TransportShell, ""},
		{"audit log shorter than the data", map[string]string{"DATABASE_URL": "u", "AUDIT_RETENTION_DAYS": "730"}, "", "AUDIT_RETENTION_DAYS is 730, not more than RETENTION_DAYS (730)"},
		{"audit log shorter than data kept", map[string]string{"DATABASE_URL": "u", "RETENTION_DAYS": "0"}, "", "RETENTION_DAYS is 0 (keep the data)"},
		{"audit log under a year", map[string]string{"DATABASE_URL": "u", "RETENTION_DAYS": "30", "AUDIT_RETENTION_DAYS": "90"}, "", "AUDIT_RETENTION_DAYS must be a whole number of days from 365"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(envFunc(c.env))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr, _ := cfg.Transport(); tr != c.transport {
				t.Errorf("transport = %s, want %s", tr, c.transport)
			}
		})
	}
	cfg, _ := LoadConfig(envFunc(map[string]string{"DATABASE_URL": "u", "SLACK_BOT_TOKEN_FILE": tokenFile, "SLACK_SIGNING_SECRET": "s", "SMALLGOALS_DATA_KEY": testDataKey}))
	if cfg.SlackBotToken != "xoxb-from-file" {
		t.Errorf("token from file = %q", cfg.SlackBotToken)
	}
	if cfg.HTTPAddr != ":3000" || cfg.TZ != "Europe/Copenhagen" || cfg.Lang != "da" || cfg.LogFormat != "text" ||
		cfg.RetentionDays != 730 || cfg.AuditRetentionDays != 1826 {
		t.Errorf("defaults = %+v", cfg)
	}
}
