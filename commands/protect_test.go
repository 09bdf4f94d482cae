package commands_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"smallgoals/commands"
)

func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "AB-1 5 En note der ikke må i loggen")
	e.do("carl", "#slusen", "AB")                                          // a member's read
	e.do("bo", "#andet", "AB-1 3")                                         // an outsider's refused write
	contains(t, e.do("carl", "#slusen", "adgangslog AB"), "koordinatorer") // not a coordinator
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "adgangslog AB", Time: e.now})
	out := r.Text()
	contains(t, out, "Adgangslog for AB", "<@carl> · åbnede borgerens mål", "<@bo> · registrerede · AB · ❌ afvist",
		"<@carl> · åbnede adgangsloggen · AB · ❌ afvist", "<@anna> · åbnede adgangsloggen")
	lacks(t, out, "En note")
	if len(r.Files) != 1 || !strings.HasSuffix(r.Files[0].Name, ".csv") || r.Files[0].CitizenID == 0 {
		t.Fatalf("files = %+v", r.Files)
	}
	data := r.Files[0].Data
	if !strings.HasPrefix(string(data), "\ufeff") {
		t.Error("the CSV has no byte-order mark for Excel")
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Tidspunkt" || len(rows) != e.count(`SELECT count(*) FROM audit_events WHERE citizen_id IS NOT NULL`)+1 {
		t.Errorf("CSV rows = %d: %v", len(rows), rows[0])
	}
	if strings.Contains(string(data), "En note") {
		t.Error("free text in the CSV")
	}
	// A period: nothing before the day of the entries.
	out = e.do("anna", "#slusen", "adgangslog AB 1.1.2020 31.12.2020")
	contains(t, out, "0 hændelser")
	contains(t, e.do("anna", "#slusen", "adgangslog AB 2026-12-01 2026-11-01"), "FRA før TIL")
	contains(t, e.do("bo", "#andet", "adgangslog AB"), "ingen borger *AB*")
}

func TestEraseCitizen(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "plan AB Klare sig selv")
	e.do("anna", "#slusen", "AB-1 5 note")
	e.do("anna", "#slusen", "revider AB-1 +1 fortsættes refleksion")
	e.do("anna", "#slusen", "borger ny CD")
	e.do("anna", "#slusen", "ny CD Gå en tur")
	e.do("anna", "#slusen", "CD-1 4")

	contains(t, e.do("carl", "#slusen", "borger slet AB bekræft"), "koordinatorer")
	contains(t, e.do("bo", "#andet", "borger slet AB bekræft"), "ingen borger")
	out := e.do("anna", "#slusen", "borger slet AB")
	contains(t, out, "1 handleplansmål, 1 lille mål, 1 registrering, 1 revision", "efter den seneste eksport", "borger slet AB bekræft")
	contains(t, e.do("anna", "#slusen", "borger slet AB bekræft"), "der er skrevet efter den seneste eksport", "Intet er slettet")
	if n := e.count(`SELECT count(*) FROM goals`); n != 2 {
		t.Fatalf("goals = %d after refusals, want 2", n)
	}
	e.raw.Exec(`UPDATE citizens SET exported_at = now() + interval '1 day' WHERE alias = 'AB'`)
	contains(t, e.do("anna", "#slusen", "borger slet AB bekræft"), "er slettet")
	for tbl, want := range map[string]int{"citizens": 1, "goals": 1, "plan_goals": 0, "entries": 1, "revisions": 0} {
		if n := e.count(`SELECT count(*) FROM ` + tbl); n != want {
			t.Errorf("%s = %d, want %d (only CD's left)", tbl, n, want)
		}
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE ref = 'AB' AND action = 'citizen.erase' AND allowed`); n != 1 {
		t.Errorf("the erasure is not in the audit log")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE ref LIKE 'AB%'`); n < 5 {
		t.Errorf("audit rows about AB = %d: the log must outlive the erasure", n)
	}
	contains(t, e.do("anna", "#slusen", "AB"), "ingen borger *AB*")
	// tving erases despite unexported entries.
	contains(t, e.do("anna", "#slusen", "citizen delete CD confirm force"), "is erased")
	if n := e.count(`SELECT count(*) FROM citizens`) + e.count(`SELECT count(*) FROM entries`); n != 0 {
		t.Errorf("rows left after forced erasure: %d", n)
	}
	contains(t, e.do("anna", "#slusen", "borger slet"), "alias")
	contains(t, e.do("anna", "#slusen", "borger slet AB måske"), "måske")
}

func TestTeamSettingsAndCoordinators(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("carl", "#slusen", "hjælp") // carl joins the channel
	contains(t, e.do("carl", "#slusen", "team indstil sprog:en"), "koordinatorer")
	out := e.do("anna", "#slusen", "team indstil digest:fredag-14:30 påmindelse:7.45 sprog:en tz:Europe/London opbevaring:365")
	contains(t, out, "Teamets indstillinger er gemt", "fredag kl. 14.30", "kl. 07.45", "Europe/London", "365 dage")
	if n := e.count(`SELECT count(*) FROM teams WHERE digest_weekday = 5 AND digest_time = '14:30' AND reminder_time = '07:45'
		AND lang = 'en' AND tz = 'Europe/London' AND retention_days = 365`); n != 1 {
		t.Fatal("settings not stored")
	}
	// The team's language now answers those who chose none and typed no keyword.
	contains(t, e.do("dora", "#slusen", "AB"), "active goal")
	for _, bad := range []string{"digest:fredag", "digest:blursdag-09:00", "påmindelse:25:00", "tz:Mars/Base", "opbevaring:0", "sprog:de", "hej"} {
		out := e.do("anna", "#slusen", "team indstil "+bad)
		if strings.Contains(out, "gemt") {
			t.Errorf("%q accepted: %s", bad, out)
		}
	}
	contains(t, e.do("anna", "#slusen", "team indstil opbevaring:standard"), "standard")

	contains(t, e.do("carl", "#slusen", "koordinator @dora"), "koordinatorer")
	contains(t, e.do("anna", "#slusen", "koordinator @carl"), "<@carl> er nu koordinator")
	contains(t, e.do("carl", "#slusen", "koordinator @dora"), "<@dora> er nu koordinator")
	contains(t, e.do("anna", "#slusen", "koordinator carl"), "Nævn brugeren med @")
	if n := e.count(`SELECT count(*) FROM team_members WHERE coordinator`); n != 3 {
		t.Errorf("coordinators = %d, want 3", n)
	}
	contains(t, e.do("anna", "#slusen", "team"), "<@carl>", "<@dora>")
	_ = time.Now
}
