package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/prometheus/client_golang/prometheus"

	"smallgoals/store"
	"smallgoals/store/storetest"
)

// roleDB is an empty database of its own owned by a role of its own
// (no superuser, no CREATEDB), and an application role without rights:
// a managed PostgreSQL as the README sets it up.
type roleDB struct {
	name, owner, app string
	ownerURL, appURL string
}

// newRoleDB creates the roles and the database on TEST_DATABASE_URL's
// server and drops them when the test ends.
func newRoleDB(t *testing.T) roleDB {
	t.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Skip("TEST_DATABASE_URL is not set: run the tests with 'make test'")
	}
	b := make([]byte, 6)
	rand.Read(b)
	sfx := hex.EncodeToString(b)
	r := roleDB{name: "sg_up_" + sfx, owner: "sg_owner_" + sfx, app: "sg_app_" + sfx}
	conn, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const pw = "upgrade-test-pw"
	for _, q := range []string{
		`CREATE ROLE ` + r.owner + ` LOGIN PASSWORD '` + pw + `'`,
		`CREATE ROLE ` + r.app + ` LOGIN PASSWORD '` + pw + `'`,
		`CREATE DATABASE ` + r.name + ` OWNER ` + r.owner,
	} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		conn, err := sql.Open("postgres", admin)
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Exec(`DROP DATABASE IF EXISTS ` + r.name + ` WITH (FORCE)`)
		conn.Exec(`DROP ROLE IF EXISTS ` + r.app)
		conn.Exec(`DROP ROLE IF EXISTS ` + r.owner)
	})
	as := func(role string) string {
		u, err := neturl.Parse(admin)
		if err != nil {
			t.Fatalf("TEST_DATABASE_URL is not a URL: %v", err)
		}
		u.User = neturl.UserPassword(role, pw)
		u.Path = "/" + r.name
		return u.String()
	}
	r.ownerURL, r.appURL = as(r.owner), as(r.app)
	return r
}

// migrateTo migrates the database at url to version with goose, as the
// role url names.
func migrateTo(t *testing.T, url string, version int64) {
	t.Helper()
	if _, err := gooseOn(t, url).UpTo(context.Background(), version); err != nil {
		t.Fatalf("goose up-to %d: %v", version, err)
	}
}

// gooseOn is goose with the embedded migrations on the database at url,
// as the role url names, until the test ends.
func gooseOn(t *testing.T, url string) *goose.Provider {
	t.Helper()
	conn, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, conn, store.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lastNewTable returns the last migration that creates a table, and the
// table's name.
func lastNewTable(t *testing.T) (int64, string) {
	t.Helper()
	create := regexp.MustCompile(`(?i)CREATE TABLE (\w+)`)
	names, _ := fs.Glob(store.Migrations(), "*.sql")
	var version int64
	var table string
	for _, name := range names {
		b, _ := fs.ReadFile(store.Migrations(), name)
		up, _, _ := strings.Cut(string(b), "-- +goose Down")
		if m := create.FindStringSubmatch(up); m != nil {
			if v, _ := goose.NumericComponent(name); v > version {
				version, table = v, m[1]
			}
		}
	}
	if version == 0 {
		t.Fatal("no migration creates a table")
	}
	return version, table
}

// The acceptance test of an upgrade: the database at the schema before
// the last migration that adds a table, migrated by its owner, the app
// role granted with `smallgoals grants`; then the owner migrates to the
// newest schema (the new table appears) and the bot runs as the app role
// with --no-migrate: the shell logs a score and a reflection, the digest
// job claims and sends, serve comes up ready. Every table is open to the
// app role, the access log append-only to it. With the README's former
// recipe (no ALTER DEFAULT PRIVILEGES) the new table was closed: 42501.
func TestUpgradeAsAppRole(t *testing.T) {
	version, table := lastNewTable(t)

	// The former recipe: the app role cannot read the table a later
	// migration adds.
	old := newRoleDB(t)
	migrateTo(t, old.ownerURL, version-1)
	owner, err := sql.Open("postgres", old.ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	for _, q := range []string{
		`GRANT USAGE ON SCHEMA public TO ` + old.app,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + old.app,
		`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ` + old.app,
	} {
		if _, err := owner.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := shellRun(t, map[string]string{"DATABASE_URL": old.ownerURL}, "", "migrate"); code != 0 {
		t.Fatalf("migrate as the owner: exit %d\n%s", code, errs)
	}
	app, err := sql.Open("postgres", old.appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	var pe *pq.Error
	if _, err := app.Exec(`SELECT 1 FROM ` + table + ` LIMIT 0`); err == nil || !asPQ(err, &pe) || pe.Code != "42501" {
		t.Fatalf("the former recipe after an upgrade: SELECT on %s as the app role = %v; want 42501 (the defect this test guards)", table, err)
	}

	// smallgoals grants.
	r := newRoleDB(t)
	migrateTo(t, r.ownerURL, version-1)
	ownerEnv := map[string]string{"DATABASE_URL": r.ownerURL}
	if code, _, errs := shellRun(t, ownerEnv, "", "grants", "--app-role", r.app, "--apply"); code != 0 || !strings.Contains(errs, "grants: "+r.app) {
		t.Fatalf("grants --apply: exit %d\n%s", code, errs)
	}
	if code, _, errs := shellRun(t, ownerEnv, "", "migrate"); code != 0 {
		t.Fatalf("migrate as the owner: exit %d\n%s", code, errs)
	}
	raw, err := sql.Open("postgres", r.ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var exists bool
	raw.QueryRow(`SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists)
	if !exists {
		t.Fatalf("the migration to %d did not create %s", version, table)
	}
	for _, tbl := range storetest.Tables(t, raw) {
		want := "SELECT,INSERT,UPDATE,DELETE"
		var ok, more bool
		if tbl == "audit_events" {
			want = "SELECT,INSERT"
			raw.QueryRow(`SELECT has_table_privilege($1, 'audit_events', 'UPDATE,DELETE,TRUNCATE')`, r.app).Scan(&more)
		}
		raw.QueryRow(`SELECT has_table_privilege($1, $2, $3)`, r.app, tbl, want).Scan(&ok)
		if !ok || more {
			t.Errorf("the app role on %s: %s %t; UPDATE, DELETE or TRUNCATE on the access log %t", tbl, want, ok, more)
		}
	}

	appEnv := map[string]string{"DATABASE_URL": r.appURL, "SMALLGOALS_DATA_KEY": testDataKey, "SMALLGOALS_FILES_DIR": t.TempDir()}
	code, out, errs := shellRun(t, appEnv, strings.Join([]string{
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB",
		"/maal ny AB Tage bussen alene", "/maal AB-1 4 b:6 Tog bussen", "/maal refleksion Vi øver bussen",
	}, "\n")+"\n", "shell", "--no-migrate")
	if code != 0 || !strings.Contains(out, "Registreret på AB-1") || strings.Contains(errs, "42501") {
		t.Fatalf("shell as the app role: exit %d\n%s\n%s", code, out, errs)
	}
	var n int
	raw.QueryRow(`SELECT (SELECT count(*) FROM entries) * 10 + (SELECT count(*) FROM reflections)`).Scan(&n)
	if n != 11 {
		t.Errorf("entries×10 + reflections = %d, want 11", n)
	}
	monday := nextMonday(time.Now()).Format("2006-01-02") + "T09:00:00+01:00"
	code, out, errs = shellRun(t, appEnv, "", "digest", "--once", "--at", monday, "--no-migrate")
	if code != 0 || !strings.Contains(out, "Ugens små mål — Slusen") || !strings.Contains(errs, "digest: 1 posted") {
		t.Fatalf("digest as the app role: exit %d\n%s\n%s", code, out, errs)
	}
	asApp, err := sql.Open("postgres", r.appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer asApp.Close()
	if _, err := asApp.Exec(`DELETE FROM audit_events`); !asPQ(err, &pe) || pe.Code != "42501" {
		t.Errorf("DELETE FROM audit_events as the app role = %v, want 42501", err)
	}
	serveReady(t, appEnv)
}

func asPQ(err error, pe **pq.Error) bool {
	e, ok := err.(*pq.Error)
	*pe = e
	return ok
}

// serveReady starts `serve --no-migrate` in HTTP mode with env, against a
// fake Slack, and fails the test unless /readyz answers 200.
func serveReady(t *testing.T, env map[string]string) {
	t.Helper()
	slackAPI := authSlack(t)
	addr := freeAddr(t)
	e := map[string]string{"SLACK_BOT_TOKEN": "xoxb-upgrade", "SLACK_SIGNING_SECRET": "upgrade-secret",
		"SLACK_API_URL": slackAPI.URL + "/api/", "HTTP_ADDR": addr, "SHUTDOWN_DRAIN": "0s"}
	for k, v := range env {
		e[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := new(lockedBuffer)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--no-migrate"}, envFunc(e), strings.NewReader(""), io.Discard, stderr)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("serve --no-migrate stopped: exit %d\n%s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve --no-migrate is not ready: %v\n%s", err, stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve --no-migrate: exit %d\n%s", code, stderr)
	}
}

// lockedBuffer is a buffer a goroutine writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The schema-version check at start, with the real program: a binary on a
// newer database refuses (with migration or without) and says to run a
// newer binary; with --no-migrate on an older database it refuses and
// says to migrate as the owner; migrating starts it.
func TestSchemaVersionSkew(t *testing.T) {
	newer := storetest.URL(t)
	raw, err := sql.Open("postgres", newer)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	next := store.SchemaVersion() + 1
	if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, next); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": newer, "SMALLGOALS_DATA_KEY": testDataKey}
	for _, args := range [][]string{{"shell"}, {"shell", "--no-migrate"}, {"migrate"}, {"digest", "--once", "--no-migrate"}} {
		code, _, errs := shellRun(t, env, ":user anna\n/maal hjælp\n", args...)
		if code != 1 || !strings.Contains(errs, "schema version "+strconv.FormatInt(next, 10)) ||
			!strings.Contains(errs, "run that version (or newer) of smallgoals") {
			t.Errorf("%v on a newer schema: exit %d; want 1 and what to do\n%s", args, code, errs)
		}
	}
	_, out, _ := shellRun(t, env, "", "migrate", "status")
	if !strings.Contains(out, "not in this binary") {
		t.Errorf("migrate status on a newer schema:\n%s", out)
	}

	older := storetest.URL(t)
	if _, err := gooseOn(t, older).Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	env["DATABASE_URL"] = older
	last := store.SchemaVersion()
	code, out, errs := shellRun(t, env, "", "migrate", "status")
	if code != 0 || !strings.Contains(out, "schema: database "+strconv.FormatInt(last-1, 10)+", this binary "+strconv.FormatInt(last, 10)+"; 1 pending") ||
		!regexp.MustCompile(`(?m)^pending +- +0*`+strconv.FormatInt(last, 10)+`_\w+\.sql$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^applied +20\d\d-\S+Z +00001_init\.sql$`).MatchString(out) {
		t.Errorf("migrate status one behind: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = shellRun(t, env, ":user anna\n/maal hjælp\n", "shell", "--no-migrate")
	if code != 1 || !strings.Contains(errs, "run `smallgoals migrate` with the database owner's URL") {
		t.Errorf("shell --no-migrate on an older schema: exit %d; want 1 and what to do\n%s", code, errs)
	}
	if out := shell(t, env, ":user anna", "/maal hjælp"); out == "" {
		t.Error("shell after migrating printed nothing")
	}
	if _, out, _ := shellRun(t, env, "", "migrate", "status"); !strings.Contains(out, "; 0 pending") || strings.Contains(out, "pending  ") {
		t.Errorf("migrate status after migrating:\n%s", out)
	}
}

// migrate needs no data key: with only DATABASE_URL (the owner's), in an
// empty directory, on a database holding text under a data key, it
// migrates, exits 0 and writes no file; Slack's variables do not make it
// ask for the key either. (Before: it generated .smallgoals-data-key and
// failed on the rows under the real key.)
func TestMigrateNeedsNoDataKey(t *testing.T) {
	url := storetest.URL(t)
	shell(t, map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": testDataKey},
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB", "/maal ny AB Tage bussen alene")
	for _, env := range []map[string]string{
		{"DATABASE_URL": url},
		{"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"},
	} {
		dir := t.TempDir()
		t.Chdir(dir)
		code, out, errs := shellRun(t, env, "", "migrate")
		if code != 0 || !strings.Contains(errs, "migrations applied") {
			t.Errorf("migrate with %d variables: exit %d\n%s%s", len(env), code, out, errs)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("migrate wrote %d files into the working directory, first %s", len(files), files[0].Name())
		}
	}
}

// grants without --apply prints the SQL; it needs no database.
func TestGrantsPrint(t *testing.T) {
	code, out, errs := shellRun(t, map[string]string{}, "", "grants", "--app-role", "smallgoals_app", "--owner", "smallgoals")
	for _, want := range []string{
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "smallgoals_app";`,
		`ALTER DEFAULT PRIVILEGES FOR ROLE "smallgoals" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "smallgoals_app";`,
		`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM "smallgoals_app";`,
		`GRANT EXECUTE ON FUNCTION purge_audit_events(timestamptz, integer, integer) TO "smallgoals_app";`,
	} {
		if code != 0 || !strings.Contains(out, want+"\n") {
			t.Errorf("grants: exit %d, lacks %q\n%s%s", code, want, out, errs)
		}
	}
	if code, _, errs := shellRun(t, map[string]string{}, "", "grants"); code != 2 || !strings.Contains(errs, "--app-role is required") {
		t.Errorf("grants without --app-role: exit %d %s", code, errs)
	}
}

// smallgoals_build_info carries the version, commit and schema.
func TestBuildInfoMetric(t *testing.T) {
	registerBuildInfo()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "smallgoals_build_info" {
			continue
		}
		m := mf.GetMetric()[0]
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if m.GetGauge().GetValue() != 1 || labels["version"] != buildVersion() || labels["commit"] != buildCommit() ||
			labels["schema"] != strconv.FormatInt(store.SchemaVersion(), 10) {
			t.Errorf("smallgoals_build_info = %v %v", labels, m.GetGauge().GetValue())
		}
		return
	}
	t.Error("no smallgoals_build_info on /metrics")
}

// DATABASE_POOL_MODE=transaction (PgBouncer in front): migrations refuse
// to run over DATABASE_URL and name DATABASE_MIGRATE_URL; with it they
// run there; the bot with --no-migrate logs a score on the writer's
// unprepared path. (The store's test runs it through a real PgBouncer.)
func TestPoolModeTransaction(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"DATABASE_URL": url, "DATABASE_POOL_MODE": "transaction", "SMALLGOALS_DATA_KEY": testDataKey}
	for _, args := range [][]string{{"migrate"}, {"shell"}} {
		code, _, errs := shellRun(t, env, "", args...)
		if code != 1 || !strings.Contains(errs, "pooler in transaction mode") || !strings.Contains(errs, "DATABASE_MIGRATE_URL") {
			t.Errorf("%v behind a transaction pooler without DATABASE_MIGRATE_URL: exit %d\n%s", args, code, errs)
		}
	}
	code, out, errs := shellRun(t, env, strings.Join([]string{":user anna", ":channel #slusen", "/maal team opret Slusen",
		"/maal borger ny AB", "/maal ny AB Tage bussen alene", "/maal AB-1 4 Tog bussen"}, "\n")+"\n", "shell", "--no-migrate")
	if code != 0 || !strings.Contains(out, "Registreret på AB-1") {
		t.Errorf("shell --no-migrate behind a transaction pooler: exit %d\n%s\n%s", code, out, errs)
	}
	env["DATABASE_MIGRATE_URL"] = url
	for _, args := range [][]string{{"migrate"}, {"shell"}} {
		if code, _, errs := shellRun(t, env, "", args...); code != 0 {
			t.Errorf("%v with DATABASE_MIGRATE_URL: exit %d\n%s", args, code, errs)
		}
	}
	env["DATABASE_POOL_MODE"] = "statement"
	if code, _, errs := shellRun(t, env, "", "migrate"); code != 2 || !strings.Contains(errs, "DATABASE_POOL_MODE must be session") {
		t.Errorf("DATABASE_POOL_MODE=statement: exit %d %s", code, errs)
	}
}

// authSlack is a fake Slack Web API that knows auth.test only, until the
// test ends.
func authSlack(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			io.WriteString(w, `{"ok":true,"team_id":"T1","user_id":"UBOT"}`)
			return
		}
		io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// freeAddr is a local address nothing listens on (for HTTP_ADDR).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
