package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals/commands"
)

// snapshot is every row a lifecycle command could change, to show that a
// refusal changed nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	var s string
	err := e.raw.QueryRow(`SELECT concat_ws('|',
		(SELECT string_agg(concat_ws(',', team_id, user_id, coordinator), ';' ORDER BY team_id, user_id) FROM team_members),
		(SELECT string_agg(concat_ws(',', id, team_id, alias, alias_key, discharged_at), ';' ORDER BY id) FROM citizens),
		(SELECT string_agg(concat_ws(',', id, status, next_revision), ';' ORDER BY id) FROM goals),
		(SELECT count(*) FROM citizen_events), (SELECT count(*) FROM member_events))`).Scan(&s)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestCoordinatorRemove(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("bo", "#slusen", "team") // bo joins as a member

	before := e.snapshot()
	// Refusals, each with its own message, none changing anything.
	contains(t, e.do("bo", "#slusen", "koordinator fjern @anna"), "kun teamets koordinatorer")
	contains(t, e.do("anna", "#slusen", "koordinator fjern @anna"), "eneste koordinator", "kan ikke fjernes")
	contains(t, e.do("anna", "#slusen", "koordinator fjern @bo"), "<@bo> er ikke koordinator")
	contains(t, e.do("anna", "#slusen", "koordinator fjern anna"), "Nævn koordinatoren med @")
	if after := e.snapshot(); after != before {
		t.Fatalf("a refusal changed rows:\n%s\n%s", before, after)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.coordinator_remove' AND NOT allowed`); n != 3 {
		t.Errorf("refused removals audited: %d, want 3", n)
	}

	contains(t, e.do("anna", "#slusen", "koordinator @bo"), "✅")
	contains(t, e.do("bo", "#slusen", "coordinator remove @anna"), "✅", "no longer a coordinator")
	if n := e.count(`SELECT count(*) FROM team_members WHERE user_id = 'anna' AND NOT coordinator`); n != 1 {
		t.Errorf("anna is still a coordinator, or no longer a member")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.coordinator_remove' AND allowed AND actor = 'bo'`); n != 1 {
		t.Errorf("the removal is not audited")
	}
	// anna is a plain member now: refused, and bo is the last one.
	contains(t, e.do("anna", "#slusen", "koordinator fjern @bo"), "kun teamets koordinatorer")
	contains(t, e.do("bo", "#slusen", "koordinator fjern @bo"), "eneste koordinator")
	// The team's view tells who changed what and when.
	out := e.do("anna", "#slusen", "team")
	contains(t, out, "Ændringer i teamet", "23.11.2026: <@anna> er ikke længere koordinator (fjernet af <@bo>)",
		"<@bo> blev koordinator (tilføjet af <@anna>)")
}

func TestLeaveStoredMembership(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("bo", "#slusen", "vis AB-1")
	leave := func(by, user string) string {
		return e.h.Leave(context.Background(), commands.Request{UserID: by, ChannelID: "#slusen", Time: e.now}, user).Text()
	}
	contains(t, leave("anna", "bo"), "<@bo> er ikke længere med i Slusen")
	// Refused afterwards, as an outsider is, from anywhere else.
	contains(t, e.do("bo", "#andet", "vis AB-1"), "Der er intet mål *AB-1*")
	contains(t, leave("anna", "bo"), "<@bo> er ikke med i Slusen")
	// The last coordinator may leave (as in Slack), and the shell says so.
	contains(t, leave("anna", "anna"), "ingen koordinator")
	if n := e.count(`SELECT count(*) FROM team_members`); n != 0 {
		t.Errorf("members left: %d", n)
	}
	if n := e.count(`SELECT count(*) FROM member_events WHERE kind = 'left'`); n != 2 {
		t.Errorf("leave events: %d, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.leave'`); n != 3 {
		t.Errorf("leave audit events: %d, want 3", n)
	}
}

// setupTwo adds team Lyngen in #lyngen, coordinated by anna too, with a
// borger of its own, CD.
func (e *env) setupTwo() {
	e.t.Helper()
	e.setup()
	for _, cmd := range []string{"team opret Lyngen", "borger ny CD"} {
		if out := e.do("anna", "#lyngen", cmd); !strings.Contains(out, "✅") {
			e.t.Fatalf("setup %q: %s", cmd, out)
		}
	}
}

func TestCitizenMove(t *testing.T) {
	e := newEnv(t)
	e.setupTwo()
	e.do("anna", "#slusen", "plan AB Bo for sig selv")
	e.do("anna", "#slusen", "AB-1 5 b:6 Tog bussen")
	e.do("anna", "#slusen", "revider AB-1 +1 fortsættes Gik godt")
	e.do("carl", "#slusen", "team")
	e.do("carl", "#andet", "team opret Andet")

	before := e.snapshot()
	contains(t, e.do("anna", "#slusen", "borger flyt AB #slusen"), "hører allerede til Slusen")
	contains(t, e.do("anna", "#slusen", "borger flyt AB #andet"), "ikke i Andet")
	contains(t, e.do("anna", "#slusen", "borger flyt AB #ingen"), "#ingen er ikke et team")
	contains(t, e.do("anna", "#slusen", "borger flyt AB lyngen"), "er ikke en kanal")
	contains(t, e.do("carl", "#slusen", "borger flyt AB #lyngen"), "kun teamets koordinatorer")
	contains(t, e.do("anna", "#slusen", "borger flyt AB #lyngen som:CD"), "Lyngen har allerede en borger *CD*", "som:CD2")
	if after := e.snapshot(); after != before {
		t.Fatalf("a refusal changed rows:\n%s\n%s", before, after)
	}

	out := e.do("anna", "#slusen", "borger flyt AB #lyngen")
	contains(t, out, "✅", "fra Slusen til Lyngen")
	// The history went along, with the same refs.
	out = e.do("anna", "#lyngen", "vis AB-1")
	contains(t, out, "Tog bussen", "Gik godt", "Borgerens forløb", "flyttet fra Slusen til Lyngen · <@anna>")
	contains(t, e.do("anna", "#lyngen", "AB"), "AB-P1", "AB-1")
	lacks(t, e.do("anna", "#slusen", "borgere"), "*AB*")
	contains(t, e.do("anna", "#lyngen", "borgere"), "*AB*")
	// carl, on Slusen only, no longer finds AB.
	contains(t, e.do("carl", "#slusen", "vis AB-1"), "Der er intet mål *AB-1*")
	var slusen, lyngen int64
	e.raw.QueryRow(`SELECT id FROM teams WHERE name = 'Slusen'`).Scan(&slusen)
	e.raw.QueryRow(`SELECT id FROM teams WHERE name = 'Lyngen'`).Scan(&lyngen)
	for _, team := range []int64{slusen, lyngen} {
		if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'citizen.move' AND allowed AND team_id = $1`, team); n != 1 {
			t.Errorf("move audited in team %d: %d times, want 1", team, n)
		}
	}

	// Back again under a new alias, as the clash asks.
	e.do("anna", "#slusen", "borger ny AB")
	contains(t, e.do("anna", "#lyngen", "borger flyt AB #slusen"), "Slusen har allerede en borger *AB*")
	out = e.do("anna", "#lyngen", "citizen move AB #slusen as:AB2")
	contains(t, out, "✅", "*AB2*", "AB2-1")
	contains(t, e.do("anna", "#slusen", "vis AB2-1"), "Tog bussen", "(hed før AB, nu AB2)")
	// The export tells the course too.
	csv := exportCSV(t, e, "AB2")
	contains(t, csv, "forløb;AB2;;;2026-11-23;;;;;;flyttet fra Slusen til Lyngen;anna;",
		"flyttet fra Lyngen til Slusen (hed før AB, nu AB2);anna;")
}

func TestCitizenDischarge(t *testing.T) {
	e := newEnv(t)
	e.setupTwo()
	e.do("anna", "#slusen", "ny AB Smøre madpakke")
	e.do("anna", "#slusen", "AB-1 5 Tog bussen")
	e.do("carl", "#slusen", "team")

	before := e.snapshot()
	contains(t, e.do("carl", "#slusen", "borger udskriv AB"), "kun teamets koordinatorer")
	if after := e.snapshot(); after != before {
		t.Fatalf("a refusal changed rows:\n%s\n%s", before, after)
	}
	out := e.do("anna", "#slusen", "borger udskriv AB")
	contains(t, out, "✅", "*AB* er udskrevet", "2 aktive mål er afsluttet")
	if n := e.count(`SELECT count(*) FROM goals WHERE status = 'active'`); n != 0 {
		t.Errorf("active goals after the discharge: %d", n)
	}
	if n := e.count(`SELECT count(*) FROM citizens WHERE alias = 'AB' AND discharged_at IS NOT NULL`); n != 1 {
		t.Errorf("discharged_at not set")
	}
	before = e.snapshot()
	contains(t, e.do("anna", "#slusen", "borger udskriv AB"), "blev allerede udskrevet 23.11.2026")
	contains(t, e.do("anna", "#slusen", "ny AB Noget nyt"), "blev udskrevet 23.11.2026")
	contains(t, e.do("anna", "#slusen", "borger flyt AB #lyngen"), "blev udskrevet")
	contains(t, e.do("anna", "#slusen", "AB-1 6"), "udskrevet")
	// Nor is a discharged borger's goal reopened or edited.
	contains(t, e.do("anna", "#slusen", "genåbn AB-1"), "blev udskrevet")
	contains(t, e.do("anna", "#slusen", "ret AB-1 Ny titel"), "blev udskrevet")
	if after := e.snapshot(); after != before {
		t.Fatalf("a refusal changed rows:\n%s\n%s", before, after)
	}

	// Hidden from lists, frist and App Home; kept for vis and export.
	lacks(t, e.do("anna", "#slusen", "borgere"), "*AB*")
	lacks(t, e.do("anna", "#slusen", "frist"), "AB-1")
	home, _, err := e.h.Home(context.Background(), commands.Request{UserID: "anna", Time: e.now})
	if err != nil {
		t.Fatal(err)
	}
	lacks(t, home.Text(), "AB")
	contains(t, e.do("anna", "#slusen", "borgere udskrevne"), "*AB* · udskrevet 23.11.2026 · aldrig eksporteret")
	contains(t, e.do("anna", "#slusen", "citizens discharged"), "*AB* · discharged 23 Nov 2026")
	contains(t, e.do("anna", "#slusen", "vis AB-1"), "Tog bussen", "udskrevet — målet blev afsluttet ved udskrivningen · <@anna>")
	contains(t, exportCSV(t, e, "AB"), "Tog bussen", "udskrevet")
	contains(t, e.do("anna", "#slusen", "borgere udskrevne"), "sidst eksporteret 23.11.2026")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'citizen.discharge'`); n != 3 {
		t.Errorf("discharge audit events: %d, want 3 (one allowed, two refused)", n)
	}
}

// exportCSV exports alias as anna and returns the CSV.
func exportCSV(t *testing.T, e *env, alias string) string {
	t.Helper()
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport " + alias, Time: e.now})
	for _, f := range r.Files {
		if strings.HasSuffix(f.Name, ".csv") {
			if r.FilesDone != nil {
				r.FilesDone(context.Background(), true, e.now)
			}
			return string(f.Data)
		}
	}
	t.Fatalf("no CSV in the export of %s: %s", alias, r.Text())
	return ""
}
