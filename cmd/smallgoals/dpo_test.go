package main

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"smallgoals"
	"smallgoals/store/storetest"
)

// storeTestKey is storetest's fixed data key (storetest.Keyring), so that
// storetest.Everything decrypts what the program wrote.
const storeTestKey = "c21hbGxnb2FscyB0ZXN0IGtleSAtIG5vdCBzZWNyZXQ="

// Markers planted in every kind of free text about Slusen's AB.
const (
	dpoNote       = "MARKØR-NOTE Tog bussen"
	dpoTitle      = "MARKØR-MÅL Tage bussen alene"
	dpoPlan       = "MARKØR-PLAN Klare sig selv"
	dpoReflection = "MARKØR-REVISION Gik godt"
	dpoTeamRefl   = "MARKØR-REFLEKSION om AB"
	dpoFormula    = "=1+1 hej"
)

// dpoWorld fills a database through the shell: Slusen (#slusen, anna
// coordinator, bo member) with AB — a plan goal, a goal, entries,
// a revision, a reflection about AB — and XY; Lyngen (#lyngen, carl) with
// its own AB and a discharged borger PE. It returns the environment and
// the database for assertions.
func dpoWorld(t *testing.T) (map[string]string, *sql.DB) {
	t.Helper()
	url := storetest.URL(t)
	env := map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": storeTestKey, "SMALLGOALS_FILES_DIR": t.TempDir()}
	out := shell(t, env,
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB", "/maal plan AB "+dpoPlan,
		"/maal ny AB "+dpoTitle+" plan:1", "/maal AB-1 4 b:6 "+dpoNote, "/maal AB-1 5 "+dpoFormula,
		"/maal revider AB-1 +1 fortsættes "+dpoReflection, "/maal refleksion om:AB "+dpoTeamRefl,
		"/maal borger ny XY", "/maal ny XY Gå en tur", "/maal XY-1 6",
		":user bo", "/maal AB-1 6 Bo skrev",
		":user carl", ":channel #lyngen", "/maal team opret Lyngen", "/maal borger ny AB", "/maal ny AB Lyngens mål", "/maal AB-1 3 Carl skrev",
		"/maal borger ny PE", "/maal borger udskriv PE")
	if strings.Count(out, "Registreret på AB-1") != 4 {
		t.Fatalf("setup:\n%s", out)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return env, raw
}

// dpo runs `smallgoals dpo ARGS --actor jens --no-migrate` with stdin.
func dpo(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return shellRun(t, env, stdin, append(append([]string{"dpo"}, args...), "--actor", "jens", "--no-migrate")...)
}

// dpoEvent is an audit event the DPO's tools wrote.
type dpoEvent struct {
	Action, Ref, Recipient string
	Team, Citizen          sql.NullInt64
	Allowed                bool
}

// dpoEvents returns the audit events by dpo:jens, oldest first.
func dpoEvents(t *testing.T, raw *sql.DB) []dpoEvent {
	t.Helper()
	rows, err := raw.Query(`SELECT action, ref, recipient, team_id, citizen_id, allowed FROM audit_events WHERE actor = 'dpo:jens' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var evs []dpoEvent
	for rows.Next() {
		var e dpoEvent
		if err := rows.Scan(&e.Action, &e.Ref, &e.Recipient, &e.Team, &e.Citizen, &e.Allowed); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return evs
}

func dpoCount(t *testing.T, raw *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// lastEvent runs a dpo command and returns the one audit event it wrote.
func lastEvent(t *testing.T, raw *sql.DB, before int) dpoEvent {
	t.Helper()
	evs := dpoEvents(t, raw)
	if len(evs) != before+1 {
		t.Fatalf("%d audit events by dpo:jens, want %d: %+v", len(evs), before+1, evs)
	}
	return evs[before]
}

func TestDPOList(t *testing.T) {
	env, raw := dpoWorld(t)
	slusen := dpoCount(t, raw, `SELECT id FROM teams WHERE name = 'Slusen'`)
	lyngen := dpoCount(t, raw, `SELECT id FROM teams WHERE name = 'Lyngen'`)

	code, out, errs := dpo(t, env, "", "list")
	if code != 0 {
		t.Fatalf("list: exit %d\n%s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "TEAM  NAME") {
		t.Fatalf("list: want a header and 4 borgere:\n%s", out)
	}
	// Teams by name, served borgere by alias, then the discharged.
	want := [][]string{{"Lyngen", "#lyngen", "AB", "active", "carl", "1"}, {"Lyngen", "#lyngen", "PE", "discharged", "carl", "-"},
		{"Slusen", "#slusen", "AB", "active", "anna", "1"}, {"Slusen", "#slusen", "XY", "active", "anna", "1"}}
	for i, w := range want {
		if f := strings.Fields(lines[i+1]); len(f) < 10 || !slices.Equal(f[1:7], w) || f[8] != "-" && w[3] == "active" {
			t.Errorf("row %d = %q, want %v", i+1, lines[i+1], w)
		}
	}
	if strings.Contains(out, "MARKØR") {
		t.Errorf("list shows free text:\n%s", out)
	}
	evs := dpoEvents(t, raw)
	if len(evs) != 2 || evs[0] != (dpoEvent{Action: "citizen.list", Team: sql.NullInt64{Int64: lyngen, Valid: true}, Allowed: true}) ||
		evs[1].Team.Int64 != slusen {
		t.Fatalf("list audited %+v, want citizen.list for each team", evs)
	}

	// One team, by its name in another case, as JSON.
	code, out, errs = dpo(t, env, "", "list", "--team", "lyngen", "--json")
	var teams []dpoTeamJSON
	if code != 0 || json.Unmarshal([]byte(out), &teams) != nil || len(teams) != 1 || len(teams[0].Citizens) != 2 ||
		teams[0].Citizens[1].Alias != "PE" || teams[0].Citizens[1].Discharged == nil {
		t.Fatalf("list --team lyngen --json: exit %d %q\n%s", code, out, errs)
	}
	// An unknown team: refused and audited, about no team.
	code, _, errs = dpo(t, env, "", "list", "--team", "Nowhere")
	if code != 1 || !strings.Contains(errs, `refused: no team "Nowhere"`) {
		t.Fatalf("unknown team: exit %d %q", code, errs)
	}
	if ev := lastEvent(t, raw, 3); ev != (dpoEvent{Action: "citizen.list"}) {
		t.Errorf("the refusal was audited as %+v", ev)
	}
}

func TestDPOAccessLog(t *testing.T) {
	env, raw := dpoWorld(t)
	slusen := dpoCount(t, raw, `SELECT id FROM teams WHERE name = 'Slusen'`)
	ab := dpoCount(t, raw, `SELECT id FROM citizens WHERE alias = 'AB' AND team_id = $1`, slusen)

	// By the team's channel and the alias in lower case.
	code, out, errs := dpo(t, env, "", "access-log", "--team", "#slusen", "--alias", "ab")
	if code != 0 {
		t.Fatalf("access-log: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"borger AB (citizen ", "TIME ", "anna ", "entry.create", "AB-1", "revision.create", "bo ",
		"dpo:jens  audit.view"} {
		if !strings.Contains(out, want) {
			t.Errorf("access log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "carl") || strings.Contains(out, "MARKØR") {
		t.Errorf("access log shows another team's borger or free text:\n%s", out)
	}
	want := dpoEvent{Action: "audit.view", Ref: "AB", Team: sql.NullInt64{Int64: slusen, Valid: true},
		Citizen: sql.NullInt64{Int64: ab, Valid: true}, Allowed: true}
	if ev := lastEvent(t, raw, 0); ev != want {
		t.Fatalf("audited %+v, want %+v", ev, want)
	}
	// --since tomorrow: only what happens from then on — nothing yet.
	code, out, _ = dpo(t, env, "", "access-log", "--team", "Slusen", "--alias", "AB", "--since", "2999-01-01", "--json")
	var got struct {
		Events []smallgoals.AuditEvent `json:"events"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Events) != 0 {
		t.Fatalf("--since 2999-01-01: exit %d, %s", code, out)
	}
	// An alias the team does not have: refused, audited about the team.
	code, _, errs = dpo(t, env, "", "access-log", "--team", "Slusen", "--alias", "ZZ")
	if code != 1 || !strings.Contains(errs, `has no borger "ZZ"`) {
		t.Fatalf("unknown alias: exit %d %q", code, errs)
	}
	if ev := lastEvent(t, raw, 2); ev != (dpoEvent{Action: "audit.view", Ref: "ZZ", Team: want.Team}) {
		t.Errorf("the refusal was audited as %+v", ev)
	}

	// A staff member's own access request: what the log holds about bo.
	code, out, errs = dpo(t, env, "", "access-log", "--user", "bo")
	if code != 0 || !strings.Contains(out, "user bo: ") || !strings.Contains(out, "entry.create") || strings.Contains(out, "anna ") {
		t.Fatalf("access-log --user bo: exit %d\n%s\n%s", code, out, errs)
	}
	if ev := lastEvent(t, raw, 3); ev != (dpoEvent{Action: "user.access_log", Recipient: "bo", Allowed: true}) {
		t.Errorf("audited %+v", ev)
	}
	// … and the log shows bo that the DPO looked.
	if _, out, _ = dpo(t, env, "", "access-log", "--user", "bo"); !strings.Contains(out, "dpo:jens  user.access_log") {
		t.Errorf("bo's log lacks the DPO's look:\n%s", out)
	}
}

func TestDPOExport(t *testing.T) {
	env, raw := dpoWorld(t)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := dpo(t, env, "", "export", "--team", "Slusen", "--alias", "AB", "--out", dir)
	if code != 0 || !strings.Contains(out, "borger AB of team") || !strings.Contains(out, "3 entries, 1 revisions, 1 goals, 1 plan goals") {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errs)
	}
	files := map[string]string{}
	// The coordinator's files named in the export's language (Danish by
	// default), the operator's own in English, as their contents are.
	for _, kind := range []string{"eksport", "status", "citizen", "access-log", "slack"} {
		m, _ := filepath.Glob(filepath.Join(dir, kind+"-AB-*"))
		if len(m) != 1 {
			t.Fatalf("%s file: %v", kind, m)
		}
		b, _ := os.ReadFile(m[0])
		files[kind] = string(b)
		if st, _ := os.Stat(m[0]); st.Mode().Perm() != 0o600 {
			t.Errorf("%s is mode %v, want 0600", m[0], st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("the directory is mode %v, want 0700", st.Mode().Perm())
	}
	// The coordinator's export, decrypted: notes, the revision, the
	// reflection, with the formula made inert.
	for _, want := range []string{"\ufeff", dpoNote, dpoReflection, dpoTeamRefl, dpoTitle, "Bo skrev", "'" + dpoFormula} {
		if !strings.Contains(files["eksport"], want) {
			t.Errorf("eksport CSV lacks %q", want)
		}
	}
	if strings.Contains(files["eksport"], ";"+dpoFormula) || strings.Contains(files["eksport"], "Carl skrev") {
		t.Error("eksport CSV holds a live formula or another team's borger")
	}
	if !strings.HasPrefix(files["status"], "%PDF-") {
		t.Error("the status report is no PDF")
	}
	// What the CSV leaves out: the borger, the plan goal, the goal's settings.
	for _, want := range []string{"borger;AB;", "plan;AB-P1;" + dpoPlan + ";open;", "goal;AB-1;" + dpoTitle + ";active;", ";anna;"} {
		if !strings.Contains(files["citizen"], want) {
			t.Errorf("citizen CSV lacks %q:\n%s", want, files["citizen"])
		}
	}
	if !strings.Contains(files["access-log"], "dpo:jens;citizen.export;") || !strings.Contains(files["access-log"], "bo;entry.create;") {
		t.Errorf("access-log CSV:\n%s", files["access-log"])
	}
	if strings.Count(files["slack"], "\n") != 1 {
		t.Errorf("slack CSV holds more than its header (the shell posts nothing):\n%s", files["slack"])
	}
	ev := lastEvent(t, raw, 0)
	if ev.Action != "citizen.export" || ev.Ref != "AB" || !ev.Allowed || !ev.Citizen.Valid {
		t.Fatalf("export audited %+v", ev)
	}
	// A copy for the data subject is not the team's export for the journal.
	if n := dpoCount(t, raw, `SELECT count(*) FROM citizens WHERE exported_at IS NOT NULL`); n != 0 {
		t.Errorf("%d borgere marked exported", n)
	}

	// In English, the coordinator's files are named as in English Slack.
	enDir := filepath.Join(t.TempDir(), "en")
	if code, out, errs := dpo(t, env, "", "export", "--team", "Slusen", "--alias", "AB", "--lang", "en", "--out", enDir); code != 0 {
		t.Fatalf("export --lang en: exit %d\n%s\n%s", code, out, errs)
	}
	for _, kind := range []string{"export-AB-*.csv", "status-AB-*.pdf", "citizen-AB-*.csv", "access-log-AB-*.csv", "slack-AB-*.csv"} {
		if m, _ := filepath.Glob(filepath.Join(enDir, kind)); len(m) != 1 {
			t.Errorf("--lang en: %s: %v", kind, m)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(enDir, "*")); len(m) != 5 {
		t.Errorf("--lang en wrote %v", m)
	}

	// A staff member's data: bo's entry by ref and date, never its note,
	// and when bo last opened App Home.
	if _, err := raw.Exec(`INSERT INTO app_homes (user_id, opened_at) VALUES ('bo', '2026-11-20T09:30:00Z')`); err != nil {
		t.Fatal(err)
	}
	code, out, errs = dpo(t, env, "", "export", "--user", "bo", "--out", dir)
	if code != 0 || !strings.Contains(out, "user bo: ") {
		t.Fatalf("export --user bo: exit %d\n%s\n%s", code, out, errs)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "user-bo-*.csv"))
	l, _ := filepath.Glob(filepath.Join(dir, "access-log-user-bo-*.csv"))
	if len(m) != 1 || len(l) != 1 {
		t.Fatalf("user files: %v %v", m, l)
	}
	b, _ := os.ReadFile(m[0])
	for _, want := range []string{"membership;", ";member", "entry;", ";AB-1;", ";score", "app_home;;;;;2026-11-20T", ";opened App Home"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("bo's records lack %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "Bo skrev") || strings.Contains(string(b), "MARKØR") {
		t.Errorf("bo's records hold note text:\n%s", b)
	}
	if lb, _ := os.ReadFile(l[0]); !strings.Contains(string(lb), "bo;entry.create;") {
		t.Errorf("bo's audit CSV:\n%s", lb)
	}
	if ev := lastEvent(t, raw, 2); ev != (dpoEvent{Action: "user.export", Recipient: "bo", Allowed: true}) {
		t.Errorf("user export audited %+v", ev)
	}
}

// deleteSlack is a Slack Web API that takes chat.delete and files.delete.
type deleteSlack struct {
	mu      sync.Mutex
	deleted []string // channel/ts of messages, file IDs
}

func (s *deleteSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "chat.delete":
		s.deleted = append(s.deleted, r.Form.Get("channel")+"/"+r.Form.Get("ts"))
		io.WriteString(w, `{"ok":true,"channel":"`+r.Form.Get("channel")+`","ts":"`+r.Form.Get("ts")+`"}`)
	case "files.delete":
		s.deleted = append(s.deleted, r.Form.Get("file"))
		io.WriteString(w, `{"ok":true}`)
	default:
		io.WriteString(w, `{"ok":false,"error":"not_in_test"}`)
	}
}

func (s *deleteSlack) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.deleted)
	slices.Sort(out)
	return out
}

// dpoPosted records, as the bot does when it posts in Slack, a digest
// message and a chart file about the borger.
func dpoPosted(t *testing.T, raw *sql.DB, citizen int64, channel, ts, file string) {
	t.Helper()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO posts (channel, ts, kind, posted_at) VALUES ($1, $2, 'digest', now())`, []any{channel, ts}},
		{`INSERT INTO post_citizens (channel, ts, citizen_id) VALUES ($1, $2, $3)`, []any{channel, ts, citizen}},
		{`INSERT INTO files (id, team_id, citizen_id, name, created_at, expires_at)
		  SELECT $1, team_id, NULL, 'chart.png', now(), now() + interval '3 days' FROM citizens WHERE id = $2`, []any{file, citizen}},
		{`INSERT INTO file_citizens (file_id, citizen_id) VALUES ($1, $2)`, []any{file, citizen}},
	} {
		if _, err := raw.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
}

func TestDPOErase(t *testing.T) {
	env, raw := dpoWorld(t)
	slusen := dpoCount(t, raw, `SELECT id FROM teams WHERE name = 'Slusen'`)
	ab := dpoCount(t, raw, `SELECT id FROM citizens WHERE alias = 'AB' AND team_id = $1`, slusen)
	xy := dpoCount(t, raw, `SELECT id FROM citizens WHERE alias = 'XY'`)
	dpoPosted(t, raw, ab, "C1", "111.1", "FAB")
	dpoPosted(t, raw, xy, "C1", "222.2", "FXY")
	markers := []string{dpoNote, dpoTitle, dpoPlan, dpoReflection, dpoTeamRefl, "Bo skrev"}
	stored := func() []string {
		var found []string
		for _, v := range storetest.Everything(t, raw) {
			for _, m := range markers {
				if strings.Contains(v.Text, m) && !slices.Contains(found, m) {
					found = append(found, m)
				}
			}
		}
		slices.Sort(found)
		return found
	}
	if got := stored(); len(got) != len(markers) {
		t.Fatalf("before the erasure the database holds %v of %v", got, markers)
	}
	slack := &deleteSlack{}
	srv := httptest.NewServer(slack)
	defer srv.Close()

	// Asked, and not confirmed: nothing erased, the look audited.
	code, out, _ := dpo(t, env, "no\n", "erase", "--team", "Slusen", "--alias", "AB", "--reason", "j.nr.2026-17")
	if code != 1 || !strings.Contains(out, "removes 1 plan goals, 1 goals, 3 entries, 1 revisions, 1 reflections; 1 messages and 1 files") ||
		!strings.Contains(out, "Not erased.") {
		t.Fatalf("erase, not confirmed: exit %d\n%s", code, out)
	}
	if ev := lastEvent(t, raw, 0); ev.Action != "citizen.view" || ev.Ref != "AB" || !ev.Allowed {
		t.Errorf("the preview was audited as %+v", ev)
	}
	// Confirmed, but entries were written after the last export (never).
	code, _, errs := dpo(t, env, "AB\n", "erase", "--team", "Slusen", "--alias", "AB", "--reason", "j.nr.2026-17")
	if code != 1 || !strings.Contains(errs, "3 entries written after its last export") {
		t.Fatalf("erase of unexported entries: exit %d %q", code, errs)
	}
	if ev := lastEvent(t, raw, 2); ev.Action != "citizen.erase" || ev.Allowed || ev.Recipient != "j.nr.2026-17" {
		t.Errorf("the refusal was audited as %+v", ev)
	}
	if len(stored()) != len(markers) {
		t.Fatal("a refused erasure removed something")
	}

	// --force --yes with a bot token: erased, and its message and file
	// deleted from Slack at once; XY's stay.
	env["SLACK_BOT_TOKEN"], env["SLACK_API_URL"] = "xoxb-test", srv.URL+"/api/"
	if _, err := raw.Exec(`INSERT INTO app_homes (user_id, opened_at) VALUES ('UBO', now())`); err != nil {
		t.Fatal(err)
	}
	code, out, errs = dpo(t, env, "", "erase", "--team", "Slusen", "--alias", "AB", "--reason", "j.nr.2026-17", "--yes", "--force")
	if code != 0 || !strings.Contains(out, "Erased borger AB of team") || !strings.Contains(out, "Slack: 1 messages and 1 files deleted; 0 messages and 0 files pending") {
		t.Fatalf("erase: exit %d\n%s\n%s", code, out, errs)
	}
	if got := slack.got(); !slices.Equal(got, []string{"C1/111.1", "FAB"}) {
		t.Errorf("deleted from Slack: %v, want AB's message and file", got)
	}
	// The App Home kept fresh is due to be published again by the bot.
	if n := dpoCount(t, raw, `SELECT count(*) FROM app_homes WHERE user_id = 'UBO' AND changes > published`); n != 1 {
		t.Error("a colleague's App Home is not marked changed after the erasure")
	}
	want := dpoEvent{Action: "citizen.erase", Ref: "AB", Recipient: "j.nr.2026-17", Team: sql.NullInt64{Int64: slusen, Valid: true},
		Citizen: sql.NullInt64{Int64: ab, Valid: true}, Allowed: true}
	if ev := lastEvent(t, raw, 3); ev != want {
		t.Errorf("erasure audited %+v, want %+v", ev, want)
	}
	if got := stored(); len(got) != 0 {
		t.Errorf("after the erasure the database still holds %v", got)
	}
	if n := dpoCount(t, raw, `SELECT count(*) FROM citizens WHERE alias = 'AB'`); n != 1 {
		t.Errorf("%d borgere AB left, want Lyngen's", n)
	}
	if n := dpoCount(t, raw, `SELECT count(*) FROM posts WHERE ts = '111.1'`) + dpoCount(t, raw, `SELECT count(*) FROM files WHERE id = 'FAB'`); n != 0 {
		t.Errorf("%d records of deleted messages and files left", n)
	}
	// The audit log keeps its earlier rows about AB.
	if n := dpoCount(t, raw, `SELECT count(*) FROM audit_events WHERE citizen_id = $1 AND action = 'entry.create'`, ab); n != 3 {
		t.Errorf("%d entry.create events about AB left, want 3", n)
	}

	// The erased borger's access log, by its ID: the log keeps it, and
	// the look is audited about it.
	code, out, errs = dpo(t, env, "", "access-log", "--citizen", strconv.FormatInt(ab, 10))
	if code != 0 || !strings.Contains(out, "borger AB (citizen "+strconv.FormatInt(ab, 10)+" (erased)) of team") ||
		!strings.Contains(out, "citizen.erase") || !strings.Contains(out, "j.nr.2026-17") || !strings.Contains(out, "bo ") {
		t.Fatalf("access-log --citizen of the erased AB: exit %d\n%s\n%s", code, out, errs)
	}
	want.Action, want.Recipient = "audit.view", ""
	if ev := lastEvent(t, raw, 4); ev != want {
		t.Errorf("the erased borger's log audited %+v, want %+v", ev, want)
	}
	if code, _, errs = dpo(t, env, "", "access-log", "--citizen", "99999"); code != 1 || !strings.Contains(errs, "no borger 99999") {
		t.Errorf("access-log --citizen 99999: exit %d %q", code, errs)
	}

	// Without a bot token: erased, Slack's copies left to the housekeeping
	// job (retention --once in Slack mode), which deletes them.
	delete(env, "SLACK_BOT_TOKEN")
	code, out, errs = dpo(t, env, "xy\n", "erase", "--team", "Slusen", "--alias", "XY", "--reason", "2026/18", "--force")
	if code != 0 || !strings.Contains(out, "0 messages and 0 files deleted; 1 messages and 1 files pending (serve's hourly housekeeping job") {
		t.Fatalf("erase without a token: exit %d\n%s\n%s", code, out, errs)
	}
	if got := slack.got(); len(got) != 2 {
		t.Errorf("without a token the erasure called Slack: %v", got)
	}
	jobEnv := map[string]string{"DATABASE_URL": env["DATABASE_URL"], "SMALLGOALS_DATA_KEY": storeTestKey, "SLACK_BOT_TOKEN": "xoxb-test",
		"SLACK_SIGNING_SECRET": "secret", "SLACK_API_URL": srv.URL + "/api/"}
	if code, _, errs := shellRun(t, jobEnv, "", "retention", "--once", "--no-migrate"); code != 0 {
		t.Fatalf("retention: exit %d %s", code, errs)
	}
	if got := slack.got(); !slices.Equal(got, []string{"C1/111.1", "C1/222.2", "FAB", "FXY"}) {
		t.Errorf("after the housekeeping job Slack deleted %v", got)
	}
	if n := dpoCount(t, raw, `SELECT count(*) FROM posts`) + dpoCount(t, raw, `SELECT count(*) FROM files WHERE id = 'FXY'`); n != 0 {
		t.Errorf("%d records left after the housekeeping job", n)
	}
}

func TestDPOUsage(t *testing.T) {
	t.Chdir(t.TempDir()) // to see that no key file is made
	url := storetest.URL(t)
	env := map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": storeTestKey}
	cases := []struct {
		args []string
		env  map[string]string
		code int
		want string
	}{
		{[]string{"list", "--actor", "two words"}, env, 2, "--actor must be"},
		{[]string{"erase", "--actor", "jens", "--team", "1", "--alias", "AB"}, env, 2, "--reason is required"},
		{[]string{"erase", "--actor", "jens", "--team", "1", "--alias", "AB", "--reason", "010190-1234"}, env, 2, "CPR"},
		{[]string{"export", "--actor", "jens", "--team", "1", "--alias", "AB"}, env, 2, "--out DIR is required"},
		{[]string{"export", "--actor", "jens", "--user", "bo", "--team", "1", "--out", "x"}, env, 2, "not both"},
		{[]string{"access-log", "--actor", "jens"}, env, 2, "--team and --alias are required"},
		{[]string{"list", "--actor", "jens"}, map[string]string{"DATABASE_URL": url}, 2, "SMALLGOALS_DATA_KEY (or SMALLGOALS_DATA_KEY_FILE) is required"},
		{[]string{"purge"}, env, 2, `unknown command "purge"`},
		{nil, env, 2, "usage: smallgoals dpo COMMAND"},
	}
	for _, c := range cases {
		code, _, errs := shellRun(t, c.env, "", append([]string{"dpo"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("dpo %v: exit %d %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
	if _, err := os.Stat(ShellKeyFile); err == nil {
		t.Error("dpo generated a data key file")
	}
	if code, out, _ := shellRun(t, env, "", "help"); code != 0 || !strings.Contains(out, "  dpo ") {
		t.Errorf("help lacks dpo:\n%s", out)
	}
	if code, out, _ := shellRun(t, env, "", "dpo", "erase", "--help"); code != 0 || !strings.Contains(out, "-reason") {
		t.Errorf("dpo erase --help:\n%s", out)
	}
}
