package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// marker is written into every free-text field; it must never be found in
// clear in the database.
const marker = "MARKØR-Æblegrød-4711"

// encTables are the tables with encrypted columns.
var encTables = []string{"entries", "goals", "plan_goals", "revisions"}

func newKey(t *testing.T) smallgoals.Key {
	t.Helper()
	k, _ := smallgoals.GenerateKey()
	return k
}

func ring(t *testing.T, current smallgoals.Key, old ...smallgoals.Key) *smallgoals.Keyring {
	t.Helper()
	kr, err := smallgoals.NewKeyring(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// openWith opens the database at u with the keyring.
func openWith(t *testing.T, u string, kr *smallgoals.Keyring) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), u, store.Options{MaxConns: 10, Keys: kr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openRaw(t *testing.T, u string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// written is what writeAll stored, as the store returns it.
type written struct {
	plan      smallgoals.PlanGoal
	goal      smallgoals.Goal
	entries   []smallgoals.Entry
	revisions []smallgoals.Revision
}

// writeAll writes a plan goal, a goal with GAS levels, entries (one with
// an empty note) and a revision, all holding the marker, through the
// store.
func writeAll(t *testing.T, db *store.DB, channel string) written {
	t.Helper()
	ctx := context.Background()
	var w written
	within(t, db, func(tx *store.Tx) {
		tm := mkTeam(t, tx, channel)
		c := mkCitizen(t, tx, tm.ID, "AB")
		w.plan = smallgoals.PlanGoal{CitizenID: c.ID, Title: "Plan " + marker, CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &w.plan); err != nil {
			t.Fatal(err)
		}
		w.goal = newGoal(c.ID, "Mål "+marker)
		w.goal.PlanGoalID = &w.plan.ID
		w.goal.GASLevels = smallgoals.GASLevels{"Aldrig " + marker, "", "Nogle gange", "", "Hver dag " + marker}
		if err := tx.CreateGoal(ctx, &w.goal); err != nil {
			t.Fatal(err)
		}
		for i, note := range []string{"Note " + marker, "", "Anden note\n" + marker} {
			e := smallgoals.Entry{GoalID: w.goal.ID, Kind: smallgoals.EntryScore, Author: "U1", Day: day("2025-03-10"),
				WrittenAt: t0.Add(time.Duration(i) * time.Minute), StaffScore: ip(5 + i), Note: note}
			if err := tx.CreateEntry(ctx, &e); err != nil {
				t.Fatal(err)
			}
			w.entries = append([]smallgoals.Entry{e}, w.entries...) // newest first, as GoalEntries
		}
		for _, refl := range []string{"Refleksion " + marker, ""} {
			r := smallgoals.Revision{GoalID: w.goal.ID, Author: "U1", Day: day("2025-03-11"), WrittenAt: t0,
				GASLevel: 1, Outcome: smallgoals.OutcomeContinue, Reflection: refl, NextRevision: dayp("2025-04-22")}
			if err := tx.CreateRevision(ctx, &r); err != nil {
				t.Fatal(err)
			}
			w.revisions = append([]smallgoals.Revision{r}, w.revisions...)
		}
	})
	return w
}

// readAll reads back what writeAll wrote; it fails on the first error.
func readAll(db *store.DB, w written) (written, error) {
	ctx := context.Background()
	var r written
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if r.plan, err = tx.FindPlanGoal(ctx, w.plan.CitizenID, w.plan.Number); err != nil {
			return err
		}
		if r.goal, err = tx.FindGoal(ctx, w.goal.ID); err != nil {
			return err
		}
		if r.entries, err = tx.ListGoalEntries(ctx, w.goal.ID, len(w.entries)); err != nil {
			return err
		}
		r.revisions, err = tx.ListGoalRevisions(ctx, w.goal.ID, 10)
		return err
	})
	return r, err
}

// checkReadBack fails unless the free text reads back as written.
func checkReadBack(t *testing.T, db *store.DB, w written) {
	t.Helper()
	r, err := readAll(db, w)
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	if r.plan.Title != w.plan.Title || r.goal.Title != w.goal.Title || r.goal.GASLevels != w.goal.GASLevels {
		t.Fatalf("read back plan %q, goal %q %q; want %q, %q %q",
			r.plan.Title, r.goal.Title, r.goal.GASLevels, w.plan.Title, w.goal.Title, w.goal.GASLevels)
	}
	if len(r.entries) != len(w.entries) || len(r.revisions) != len(w.revisions) {
		t.Fatalf("read back %d entries, %d revisions", len(r.entries), len(r.revisions))
	}
	for i := range w.entries {
		if r.entries[i].ID != w.entries[i].ID || r.entries[i].Note != w.entries[i].Note {
			t.Fatalf("entry #%d: %d %q, want %d %q", i, r.entries[i].ID, r.entries[i].Note, w.entries[i].ID, w.entries[i].Note)
		}
	}
	for i := range w.revisions {
		if r.revisions[i].Reflection != w.revisions[i].Reflection {
			t.Fatalf("revision #%d: %q, want %q", i, r.revisions[i].Reflection, w.revisions[i].Reflection)
		}
	}
}

// keyIDs counts the rows of the encrypted tables by key ID.
func keyIDs(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, tbl := range encTables {
		rows, err := raw.Query(`SELECT key_id, count(*) FROM ` + tbl + ` GROUP BY key_id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				t.Fatal(err)
			}
			got[id] += n
		}
		rows.Close()
	}
	return got
}

// leaks returns where a text appears in s, in clear or as PostgreSQL's
// hex form of bytea.
func leaks(s string, texts ...string) []string {
	var found []string
	for _, x := range texts {
		for _, form := range []string{x, hex.EncodeToString([]byte(x))} {
			if strings.Contains(strings.ToLower(s), strings.ToLower(form)) {
				found = append(found, form)
			}
		}
	}
	return found
}

// secrets are the parts of the marker to look for: the whole, and pieces
// in case of a partial write.
// Not "4711" alone: ciphertext shows as hex, where any four digits turn up
// now and then.
var secrets = []string{marker, "Æblegrød", "MARKØR"}

// TestEncryptedAtRest: what the store writes holds no free text in clear
// in any column of any table, and reads back unchanged.
func TestEncryptedAtRest(t *testing.T) {
	t.Parallel()
	u := storetest.URL(t)
	kr := storetest.Keyring()
	db := openWith(t, u, kr)
	raw := openRaw(t, u)
	w := writeAll(t, db, "C-rest")
	checkReadBack(t, db, w)

	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{kr.CurrentID(): 1 + 1 + 3 + 2}) {
		t.Fatalf("rows by key ID = %v, want all 7 under %s", got, kr.CurrentID())
	}
	var emptyNotes, emptyRefl, noGAS int
	raw.QueryRow(`SELECT count(*) FROM entries WHERE note = ''::bytea`).Scan(&emptyNotes)
	raw.QueryRow(`SELECT count(*) FROM revisions WHERE reflection = ''::bytea`).Scan(&emptyRefl)
	raw.QueryRow(`SELECT count(*) FROM goals WHERE gas_levels IS NULL`).Scan(&noGAS)
	if emptyNotes != 1 || emptyRefl != 1 || noGAS != 0 {
		t.Fatalf("empty notes %d, empty reflections %d, goals without GAS levels %d; want 1, 1, 0", emptyNotes, emptyRefl, noGAS)
	}

	t.Run("TestPlaintexts", func(t *testing.T) {
		notes := storetest.Plaintexts(t, raw, "entries.note", `SELECT note, key_id FROM entries ORDER BY id`)
		if want := []string{"Note " + marker, "", "Anden note\n" + marker}; !reflect.DeepEqual(notes, want) {
			t.Errorf("notes = %q, want %q", notes, want)
		}
		gas := storetest.Plaintexts(t, raw, "goals.gas_levels", `SELECT gas_levels, key_id FROM goals`)
		if want := `["Aldrig ` + marker + `","","Nogle gange","","Hver dag ` + marker + `"]`; len(gas) != 1 || gas[0] != want {
			t.Errorf("GAS levels = %q, want %q", gas, want)
		}
	})

	t.Run("every table's rows", func(t *testing.T) {
		tables := append(storetest.Tables(t, raw), "goose_db_version")
		if len(tables) < 9 {
			t.Fatalf("tables = %v", tables)
		}
		for _, tbl := range tables {
			var dump string
			if err := raw.QueryRow(`SELECT coalesce(string_agg(t::text, E'\n'), '') FROM "` + tbl + `" t`).Scan(&dump); err != nil {
				t.Fatalf("%s: %v", tbl, err)
			}
			if found := leaks(dump, secrets...); len(found) > 0 {
				t.Errorf("table %s holds %q in clear", tbl, found)
			}
		}
	})

	t.Run("pg_dump", func(t *testing.T) {
		pgDump := findPgDump(t, raw)
		out, err := exec.Command(pgDump, "--no-owner", "--dbname", u).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "version mismatch") {
				t.Skipf("%s cannot dump this server: %s", pgDump, out)
			}
			t.Fatalf("%s: %v\n%s", pgDump, err, out)
		}
		if !strings.Contains(string(out), "COPY public.entries") {
			t.Fatalf("pg_dump output lacks the entries:\n%s", out)
		}
		if found := leaks(string(out), secrets...); len(found) > 0 {
			t.Fatalf("pg_dump output holds %q in clear", found)
		}
	})

	t.Run("a ciphertext moved to another column does not open", func(t *testing.T) {
		if _, err := raw.Exec(`UPDATE goals SET title = (SELECT title FROM plan_goals WHERE id = $1) WHERE id = $2`,
			w.plan.ID, w.goal.ID); err != nil {
			t.Fatal(err)
		}
		_, err := readAll(db, w)
		if !errors.Is(err, smallgoals.ErrDecrypt) || smallgoals.ErrorCode(err) != smallgoals.EINTERNAL {
			t.Fatalf("reading a moved ciphertext: %v; want an internal ErrDecrypt", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "goals.title") || len(leaks(msg, secrets...)) > 0 {
			t.Fatalf("error %q: want the field named and no text", msg)
		}
	})
}

// findPgDump returns a pg_dump for the server's major version, preferring
// Debian's versioned one, or skips the test.
func findPgDump(t *testing.T, raw *sql.DB) string {
	t.Helper()
	var num int
	if err := raw.QueryRow(`SELECT current_setting('server_version_num')::int`).Scan(&num); err != nil {
		t.Fatal(err)
	}
	if p := fmt.Sprintf("/usr/lib/postgresql/%d/bin/pg_dump", num/10000); fileExists(p) {
		return p
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p
	}
	t.Skip("no pg_dump on PATH nor in /usr/lib/postgresql/*/bin: the raw SQL check stands alone")
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func TestOpenNeedsKeys(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), "postgres://127.0.0.1:1/x", store.Options{})
	if err == nil || !strings.Contains(err.Error(), "Options.Keys") {
		t.Fatalf("Open without keys: %v", err)
	}
}

// TestRekeyRotation: rows written under key A read with B current and A
// old; Rekey moves them all under B; then B alone reads them, and a
// keyring without B fails clearly.
func TestRekeyRotation(t *testing.T) {
	t.Parallel()
	u := storetest.URL(t)
	raw := openRaw(t, u)
	a, b, c := newKey(t), newKey(t), newKey(t)
	ctx := context.Background()

	dbA := openWith(t, u, ring(t, a))
	w := writeAll(t, dbA, "C-rot")
	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{a.ID(): 7}) {
		t.Fatalf("rows by key ID = %v, want 7 under A", got)
	}

	dbBA := openWith(t, u, ring(t, b, a))
	checkReadBack(t, dbBA, w)
	// New rows go under B, next to A's.
	w2 := writeAll(t, dbBA, "C-rot2")
	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{a.ID(): 7, b.ID(): 7}) {
		t.Fatalf("rows by key ID = %v, want 7 under A and 7 under B", got)
	}

	if _, err := openWith(t, u, ring(t, b)).Rekey(ctx); !errors.Is(err, smallgoals.ErrUnknownKey) ||
		!strings.Contains(err.Error(), a.ID()) {
		t.Fatalf("Rekey without the old key = %v; want an unknown-key error naming %s", err, a.ID())
	}

	if got, err := dbBA.KeyIDs(ctx); err != nil || !reflect.DeepEqual(got, map[string]int{a.ID(): 7, b.ID(): 7}) {
		t.Fatalf("KeyIDs = %v, %v", got, err)
	}
	n, err := dbBA.Rekey(ctx)
	if err != nil || n != 7 {
		t.Fatalf("Rekey = %d, %v; want 7", n, err)
	}
	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{b.ID(): 14}) {
		t.Fatalf("after Rekey rows by key ID = %v, want all 14 under B", got)
	}
	if n, err := dbBA.Rekey(ctx); err != nil || n != 0 {
		t.Fatalf("second Rekey = %d, %v; want 0", n, err)
	}
	var gas sql.NullString
	raw.QueryRow(`SELECT encode(gas_levels, 'hex') FROM goals WHERE id = $1`, w.goal.ID).Scan(&gas)
	if !gas.Valid {
		t.Fatal("Rekey lost the GAS levels")
	}

	dbB := openWith(t, u, ring(t, b))
	checkReadBack(t, dbB, w)
	checkReadBack(t, dbB, w2)

	dbC := openWith(t, u, ring(t, c))
	_, err = readAll(dbC, w)
	if !errors.Is(err, smallgoals.ErrUnknownKey) || smallgoals.ErrorCode(err) != smallgoals.EINTERNAL {
		t.Fatalf("reading with only key C: %v; want an internal unknown-key error", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "unknown") || !strings.Contains(msg, b.ID()) || len(leaks(msg, secrets...)) > 0 {
		t.Fatalf("error %q: want it to say unknown key %s, without text", msg, b.ID())
	}
}

// TestRekeyConcurrent: two Rekeys at once on the same rows both succeed
// and change each row once between them.
func TestRekeyConcurrent(t *testing.T) {
	t.Parallel()
	u := storetest.URL(t)
	raw := openRaw(t, u)
	a, b := newKey(t), newKey(t)
	ctx := context.Background()
	dbA := openWith(t, u, ring(t, a))
	w := writeAll(t, dbA, "C-conc")
	const extra = 1300 // several batches of entries
	within(t, dbA, func(tx *store.Tx) {
		for i := range extra {
			e := smallgoals.Entry{GoalID: w.goal.ID, Kind: smallgoals.EntryScore, Author: "U2", Day: day("2025-03-01"),
				WrittenAt: t0, StaffScore: ip(1 + i%10), Note: fmt.Sprintf("%s #%d", marker, i)}
			if err := tx.CreateEntry(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
	})
	total := 7 + extra

	dbs := []*store.DB{openWith(t, u, ring(t, b, a)), openWith(t, u, ring(t, b, a))}
	ns := make([]int, len(dbs))
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, db := range dbs {
		wg.Go(func() {
			<-start
			ns[i], errs[i] = db.Rekey(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Rekey #%d: %v", i, err)
		}
	}
	if ns[0]+ns[1] != total {
		t.Fatalf("Rekeys changed %d + %d rows, want %d in all (each row once)", ns[0], ns[1], total)
	}
	t.Logf("the two Rekeys changed %d and %d rows", ns[0], ns[1])
	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{b.ID(): total}) {
		t.Fatalf("rows by key ID = %v, want all %d under B", got, total)
	}
	dbB := openWith(t, u, ring(t, b))
	checkReadBack(t, dbB, w) // the extra entries are about an earlier day
	within(t, dbB, func(tx *store.Tx) {
		es, err := tx.ListGoalEntries(ctx, w.goal.ID, 2*total)
		if err != nil || len(es) != 3+extra {
			t.Fatalf("GoalEntries = %d entries, %v", len(es), err)
		}
		for _, e := range es[3:] {
			if !strings.HasPrefix(e.Note, marker+" #") {
				t.Fatalf("entry %d reads %q", e.ID, e.Note)
			}
		}
	})
}

// emptyDB creates an empty database of the test's own and returns its URL.
func emptyDB(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	adm := openRaw(t, admin)
	b := make([]byte, 8)
	rand.Read(b)
	name := "sg_enc_" + hex.EncodeToString(b)
	if _, err := adm.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adm.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	p, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	p.Path = "/" + name
	q := p.Query()
	q.Del("dbname")
	p.RawQuery = q.Encode()
	return p.String()
}

// TestMigrationEncryptsExistingRows: rows in clear from before migration
// 00004 become key ID 'plain', read as they were, and RekeyPlain
// encrypts them; going down works while rows are 'plain' only.
func TestMigrationEncryptsExistingRows(t *testing.T) {
	t.Parallel()
	u := emptyDB(t)
	raw := openRaw(t, u)
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectPostgres, raw, os.DirFS("migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	// The schema of version 3: free text in clear.
	var goalID int64
	err = raw.QueryRow(`
		WITH tm AS (INSERT INTO teams (channel_id, name, lang, tz, created_by, created_at)
		            VALUES ('C1', 'Slusen', 'da', 'Europe/Copenhagen', 'U1', now()) RETURNING id),
		     c AS (INSERT INTO citizens (team_id, alias, alias_key, contact_user, last_plan_no, last_goal_no, created_at)
		           SELECT id, 'AB', 'AB', 'U1', 1, 2, now() FROM tm RETURNING id),
		     pg AS (INSERT INTO plan_goals (citizen_id, number, title, created_by, created_at)
		            SELECT id, 1, 'Plan ` + marker + `', 'U1', now() FROM c RETURNING id, citizen_id),
		     g AS (INSERT INTO goals (citizen_id, number, plan_goal_id, title, scale_min, scale_max, next_revision, gas_levels, created_by, created_at)
		           SELECT citizen_id, 1, id, 'Mål ` + marker + `', 1, 10, '2025-04-21', '["Aldrig ` + marker + `", "", "", "", "Altid"]', 'U1', now() FROM pg
		           RETURNING id, citizen_id),
		     g2 AS (INSERT INTO goals (citizen_id, number, title, scale_min, scale_max, next_revision, created_by, created_at)
		            SELECT citizen_id, 2, 'Uden GAS', 1, 10, '2025-04-21', 'U1', now() FROM g RETURNING id),
		     e AS (INSERT INTO entries (goal_id, kind, author, day, written_at, staff_score, note)
		           SELECT id, 'score', 'U1', '2025-03-10', now(), 5, 'Note ` + marker + `' FROM g),
		     e2 AS (INSERT INTO entries (goal_id, kind, author, day, written_at, staff_score)
		           SELECT id, 'score', 'U1', '2025-03-10', now(), 6 FROM g),
		     r AS (INSERT INTO revisions (goal_id, author, day, written_at, gas_level, outcome, reflection, next_revision)
		           SELECT id, 'U1', '2025-03-11', now(), 1, 'continue', 'Refleksion ` + marker + `', '2025-04-22' FROM g)
		SELECT id FROM g`).Scan(&goalID)
	if err != nil {
		t.Fatal(err)
	}
	db := openWith(t, u, storetest.Keyring())
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{"plain": 1 + 2 + 2 + 1}) {
		t.Fatalf("after migrating, rows by key ID = %v, want 6 'plain'", got)
	}
	want := func(t *testing.T, db *store.DB) {
		t.Helper()
		within(t, db, func(tx *store.Tx) {
			g, err := tx.FindGoal(ctx, goalID)
			if err != nil {
				t.Fatal(err)
			}
			if g.Title != "Mål "+marker || g.GASLevels != (smallgoals.GASLevels{"Aldrig " + marker, "", "", "", "Altid"}) {
				t.Fatalf("goal reads %q %q", g.Title, g.GASLevels)
			}
			ps, _ := tx.ListPlanGoals(ctx, g.CitizenID)
			es, _ := tx.ListGoalEntries(ctx, goalID, 10)
			rs, _ := tx.ListGoalRevisions(ctx, goalID, 10)
			var notes []string
			for _, e := range es {
				notes = append(notes, e.Note)
			}
			sort.Strings(notes)
			if len(ps) != 1 || ps[0].Title != "Plan "+marker || !reflect.DeepEqual(notes, []string{"", "Note " + marker}) ||
				len(rs) != 1 || rs[0].Reflection != "Refleksion "+marker {
				t.Fatalf("read %+v, notes %q, %+v", ps, notes, rs)
			}
			o, err := tx.ListGoalOverviews(ctx, g.CitizenID)
			if err != nil || len(o) != 2 || o[0].Title != g.Title || o[1].Title != "Uden GAS" || !o[1].GASLevels.Empty() {
				t.Fatalf("GoalOverviews = %+v, %v", o, err)
			}
		})
	}
	t.Run("plain rows read as they are", func(t *testing.T) { want(t, db) })
	t.Run("plain rows are found in clear", func(t *testing.T) {
		// The leak check sees PostgreSQL's hex form of bytea.
		var dump string
		raw.QueryRow(`SELECT string_agg(t::text, E'\n') FROM entries t`).Scan(&dump)
		if found := leaks(dump, marker); len(found) != 1 || found[0] != hex.EncodeToString([]byte(marker)) {
			t.Fatalf("leaks in the plain entries = %q, want the marker's hex form", found)
		}
	})

	t.Run("down and up again while plain", func(t *testing.T) {
		if _, err := p.DownTo(ctx, 3); err != nil {
			t.Fatal(err)
		}
		var title, gas string
		if err := raw.QueryRow(`SELECT title, gas_levels->>0 FROM goals WHERE id = $1`, goalID).Scan(&title, &gas); err != nil ||
			title != "Mål "+marker || gas != "Aldrig "+marker {
			t.Fatalf("after going down: %q %q %v", title, gas, err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})

	n, err := db.RekeyPlain(ctx)
	if err != nil || n != 6 {
		t.Fatalf("RekeyPlain = %d, %v; want 6", n, err)
	}
	kr := storetest.Keyring()
	if got := keyIDs(t, raw); !reflect.DeepEqual(got, map[string]int{kr.CurrentID(): 6}) {
		t.Fatalf("after RekeyPlain rows by key ID = %v", got)
	}
	if n, err := db.RekeyPlain(ctx); err != nil || n != 0 {
		t.Fatalf("RekeyPlain again = %d, %v; want 0", n, err)
	}
	want(t, db)
	for _, tbl := range encTables {
		var dump string
		raw.QueryRow(`SELECT string_agg(t::text, E'\n') FROM ` + tbl + ` t`).Scan(&dump)
		if found := leaks(dump, secrets...); len(found) > 0 {
			t.Errorf("%s holds %q in clear after RekeyPlain", tbl, found)
		}
	}
	var gasNull bool
	raw.QueryRow(`SELECT gas_levels IS NULL FROM goals WHERE number = 2`).Scan(&gasNull)
	if !gasNull {
		t.Error("RekeyPlain made a goal without GAS levels have some")
	}

	t.Run("down refused once encrypted", func(t *testing.T) {
		_, err := p.DownTo(ctx, 3)
		if err == nil || !strings.Contains(err.Error(), "cannot undo 00004_encrypt") {
			t.Fatalf("going down with encrypted rows: %v", err)
		}
		// The later migrations went down before 00004 refused: up again.
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want(t, db)
	})
}

// RekeyPlain runs after every migration, so it must find nothing quickly:
// each of its queries is served by an index (the partial indexes on the
// 'plain' rows), never a scan of a whole table, even with sequential
// scans priced out as on a large database.
func TestRekeyPlainUsesIndexes(t *testing.T) {
	t.Parallel()
	_, raw := storetest.Open(t)
	qs := store.RekeyPlainQueries()
	if len(qs) == 0 {
		t.Fatal("RekeyPlain looks at no table")
	}
	for table, q := range qs {
		for i, query := range q {
			args := []any{"k1", 0, 500}
			if i == 1 {
				args = args[:1]
			}
			tx, err := raw.Begin()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
				t.Fatal(err)
			}
			var plan []string
			rows, err := tx.Query(`EXPLAIN `+query, args...)
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			for rows.Next() {
				var line string
				rows.Scan(&line)
				plan = append(plan, line)
			}
			rows.Close()
			tx.Rollback()
			if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") {
				t.Errorf("RekeyPlain scans all of %s:\n%s", table, p)
			}
		}
	}
}
