package commands_test

import (
	"context"
	"testing"
	"time"

	"smallgoals/commands"
	"smallgoals/store/storetest"
)

func aliases(d commands.FormData) []string {
	var out []string
	for _, c := range d.Citizens {
		out = append(out, c.Alias)
	}
	return out
}

// The log form lists the user's own teams' citizens, most recently used
// first; a goal of another team is never shown.
func TestFormChoices(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "borger ny CD")
	e.do("anna", "#slusen", "ny CD Gå en tur")
	e.do("bo", "#andet", "team opret Andet")
	e.do("bo", "#andet", "borger ny XY")
	ctx := context.Background()
	req := commands.Request{UserID: "anna", Time: e.now}

	d, err := e.h.Form(ctx, req, commands.Modal{Kind: commands.FormLog})
	if err != nil || len(d.Citizens) != 2 || d.Citizens[0].Alias != "AB" {
		t.Fatalf("form = %v, %v; want AB then CD (alphabetical before any use)", aliases(d), err)
	}
	e.now = e.now.Add(time.Minute)
	e.do("anna", "#slusen", "CD-1 5")
	req.Time = e.now
	d, _ = e.h.Form(ctx, req, commands.Modal{Kind: commands.FormLog})
	if got := aliases(d); len(got) != 2 || got[0] != "CD" {
		t.Fatalf("after logging on CD: %v, want CD first", got)
	}

	var ab1 int64
	e.raw.QueryRow(`SELECT g.id FROM goals g JOIN citizens c ON c.id = g.citizen_id WHERE c.alias = 'AB'`).Scan(&ab1)
	d, _ = e.h.Form(ctx, req, commands.Modal{Kind: commands.FormRevise, GoalID: ab1})
	if d.Citizen == nil || d.Citizen.Alias != "AB" || d.Goal == nil || d.Goal.ID != ab1 || d.Ref(d.Goal.Goal) != "AB-1" {
		t.Fatalf("revision form for AB-1: %+v", d)
	}
	// bo is on Andet only: AB's goal is not his to see.
	d, _ = e.h.Form(ctx, commands.Request{UserID: "bo", Time: e.now}, commands.Modal{Kind: commands.FormRevise, GoalID: ab1})
	if d.Goal != nil || d.Citizen != nil || len(d.Citizens) != 1 || d.Citizens[0].Alias != "XY" {
		t.Fatalf("bo's form shows %v / %+v", aliases(d), d.Goal)
	}
}

// A submitted form is checked and stored like the typed command, with
// refusals mapped to their fields.
func TestSubmit(t *testing.T) {
	e := newEnv(t)
	e.setup()
	var ab, ab1 int64
	e.raw.QueryRow(`SELECT c.id, g.id FROM goals g JOIN citizens c ON c.id = g.citizen_id`).Scan(&ab, &ab1)
	ctx := context.Background()
	req := commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now, Modals: true}
	cases := []struct {
		values map[string]string
		field  string
	}{
		{map[string]string{"score": "0"}, "score"},
		{map[string]string{"score": "5", "citizen_score": "12"}, "citizen_score"},
		{map[string]string{"score": "5", "date": "2026-12-24"}, "date"},
		{map[string]string{"score": "5", "note": "cpr 0101901234"}, "note"},
	}
	for _, c := range cases {
		_, errs := e.h.Submit(ctx, req, commands.Submission{Kind: commands.FormLog, GoalID: ab1, Values: c.values})
		if errs[c.field] == "" || len(errs) != 1 {
			t.Errorf("%v: refusals %v, want one on %s", c.values, errs, c.field)
		}
	}
	r, errs := e.h.Submit(ctx, req, commands.Submission{Kind: commands.FormLog, GoalID: ab1,
		Values: map[string]string{"score": "5", "citizen_score": "6", "note": "To linjer\nher", "date": "2026-11-20"}})
	if errs != nil || !r.Changed {
		t.Fatalf("submit: %v %+v", errs, r)
	}
	contains(t, r.Text(), "personale 5 · borger 6", "20.11.2026")
	if notes := storetest.Plaintexts(t, e.raw, "entries.note", `SELECT note, key_id FROM entries WHERE day = '2026-11-20'`); len(notes) != 1 || notes[0] != "To linjer\nher" {
		t.Fatalf("the note lost its line break or the day")
	}
	_, errs = e.h.Submit(ctx, req, commands.Submission{Kind: commands.FormNew, CitizenID: ab,
		Values: map[string]string{"title": "Smøre madpakke", "scale": "1-5", "target": "9"}})
	if errs["target"] == "" {
		t.Errorf("target off the scale: %v", errs)
	}
	_, errs = e.h.Submit(ctx, req, commands.Submission{Kind: commands.FormRevise, GoalID: ab1,
		Values: map[string]string{"gas": "+1", "outcome": "continue", "took_part": "yes", "next": "2020-01-01"}})
	if errs["next"] == "" {
		t.Errorf("next date in the past: %v", errs)
	}
	if n := e.count(`SELECT count(*) FROM goals`) + e.count(`SELECT count(*) FROM revisions`); n != 1 {
		t.Errorf("refused forms stored something")
	}
}
