package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"smallgoals"
	"smallgoals/commands"
)

// demoGoal is a small goal of the demo data and how its scores move.
type demoGoal struct {
	plan  int    // the plan goal's number, 0 for none
	title string // the small goal
	opts  string // extra options for "ny"
	start float64
	slope float64 // points a week
	gap   float64 // how much higher the borger scores than the staff
}

type demoCitizen struct {
	alias, contact string
	plans          []string
	goals          []demoGoal
}

var demoCitizens = []demoCitizen{
	{"AB", "anna", []string{"Klare mere selv i hverdagen", "Komme i beskæftigelse"}, []demoGoal{
		{1, "Står selv op kl. 7 på hverdage", "", 3, 0.35, 1},
		{1, "Smører selv madpakke", "skala:1-5 mål:5", 2, 0.2, 0.5},
		{2, "Tager bussen alene til praktikken", "mål:8", 2, 0.45, 1.5},
	}},
	{"KJ", "bo", []string{"Bedre søvn og mindre uro"}, []demoGoal{
		{1, "Går i seng før kl. 23", "", 5, 0.1, -1},
		{1, "Beder om hjælp, når uroen kommer", "skala:gas", 0, 0.08, 0},
	}},
	{"MØ", "carl", []string{"Et socialt liv uden for bostedet"}, []demoGoal{
		{1, "Deltager i fællesspisning om torsdagen", "", 4, 0.25, -2},
		{1, "Ringer selv til sin søster", "skala:0-10", 3, 0.3, 3},
	}},
	{"SL", "anna", []string{"Styr på økonomien"}, []demoGoal{
		{1, "Laver ugebudget med støtte", "", 6, -0.15, 0},
		{1, "Betaler regninger til tiden", "mål:9", 5, 0.2, 1},
	}},
	{"TR", "bo", []string{"Sund hverdag"}, []demoGoal{
		{1, "Går en tur på mindst 20 minutter", "", 3, 0.4, 0},
		{0, "Spiser morgenmad", "hver:28", 6, 0.15, -1},
	}},
}

var demoNotes = []string{
	"Gik fint i dag", "Havde brug for en påmindelse", "Klarede det selv", "Svær dag, men prøvede",
	"Tog initiativ selv", "Med lidt støtte", "Var stolt bagefter", "Glemte det i første omgang",
	"God snak om det bagefter", "Ville gerne prøve igen i morgen",
}

// Demo fills the database with a small, realistic Danish data set through
// the commands, as staff would have typed it over three months: one team,
// five borgere with plan goals and small goals, entries with both scores,
// a few revisions.
func (m *Main) Demo(ctx context.Context, now time.Time, w io.Writer) error {
	h := m.Commands
	const ch = "#lyngbakken"
	start := smallgoals.Day(now, smallgoals.Location(m.Config.TZ)).AddDate(0, -3, 0)
	at := func(d time.Time, hour int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 15, 0, 0, smallgoals.Location(m.Config.TZ))
	}
	do := func(user, text string, t time.Time) (string, error) {
		r := h.Handle(ctx, commands.Request{UserID: user, ChannelID: ch, ChannelName: "lyngbakken", Text: text, Time: t})
		out := r.Text()
		if strings.Contains(out, "✅") || strings.Contains(out, "↩") {
			return out, nil
		}
		return out, fmt.Errorf("demo: %q answered %q", text, out)
	}
	if out, err := do("anna", "team opret Lyngbakken (demo)", at(start, 9)); err != nil {
		if strings.Contains(out, "allerede") || strings.Contains(out, "already") {
			return fmt.Errorf("demo: the demo team exists already in this database")
		}
		return err
	}
	steps := []struct{ user, text string }{{"anna", "koordinator @bo"}, {"bo", "hjælp"}, {"carl", "hjælp"}}
	for _, s := range steps {
		h.Handle(ctx, commands.Request{UserID: s.user, ChannelID: ch, Text: s.text, Time: at(start, 9)})
	}
	rnd := rand.New(rand.NewPCG(7, 42))
	entries := 0
	for _, c := range demoCitizens {
		if _, err := do(c.contact, "borger ny "+c.alias, at(start, 10)); err != nil {
			return err
		}
		for _, p := range c.plans {
			if _, err := do(c.contact, "plan "+c.alias+" "+p, at(start, 10)); err != nil {
				return err
			}
		}
		for i, g := range c.goals {
			opts := g.opts
			if g.plan > 0 {
				opts += fmt.Sprintf(" plan:%d", g.plan)
			}
			if _, err := do(c.contact, fmt.Sprintf("ny %s %s %s", c.alias, g.title, opts), at(start, 11)); err != nil {
				return err
			}
			ref := fmt.Sprintf("%s-%d", c.alias, i+1)
			lo, hi := 1, 10
			switch {
			case strings.Contains(g.opts, "skala:1-5"):
				lo, hi = 1, 5
			case strings.Contains(g.opts, "skala:0-10"):
				lo, hi = 0, 10
			case strings.Contains(g.opts, "skala:gas"):
				lo, hi = -2, 2
			}
			clamp := func(v float64) int { return max(lo, min(hi, int(math.Round(v)))) }
			for d := start.AddDate(0, 0, 1); !d.After(smallgoals.Day(now, time.UTC).AddDate(0, 0, -1)); d = d.AddDate(0, 0, 1) {
				if rnd.IntN(7) >= 3 { // about three entries a week
					continue
				}
				weeks := d.Sub(start).Hours() / 24 / 7
				staff := clamp(g.start + g.slope*weeks + rnd.NormFloat64()*0.8)
				text := fmt.Sprintf("%s %s", ref, demoScore(lo, staff))
				if rnd.IntN(3) > 0 {
					text += " b:" + demoScore(lo, clamp(float64(staff)+g.gap+rnd.NormFloat64()*0.7))
				}
				text += " " + demoNotes[rnd.IntN(len(demoNotes))]
				users := []string{c.contact, "anna", "bo", "carl"}
				if _, err := do(users[rnd.IntN(len(users))], text, at(d, 14+rnd.IntN(6))); err != nil {
					return err
				}
				entries++
			}
			// A revision six weeks in, with the borger.
			rev := start.AddDate(0, 0, 35+rnd.IntN(30))
			outcome := []string{"fortsættes", "ændres", "fortsættes"}[rnd.IntN(3)]
			gas := []string{"0", "+1", "-1", "+1"}[rnd.IntN(4)]
			if _, err := do(c.contact, fmt.Sprintf("revider %s %s %s borger:ja Talt igennem med borgeren", ref, gas, outcome), at(rev, 13)); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(w, "demo: team Lyngbakken in #lyngbakken with %d borgere and %d entries over three months.\n", len(demoCitizens), entries)
	fmt.Fprintln(w, "demo: try  :user anna  :channel #lyngbakken  /maal AB  /maal vis AB-1  /maal frist  /maal graf AB-3  /maal eksport AB")
	return nil
}

// demoScore writes a score as typed: with a sign on the GAS scale.
func demoScore(lo, v int) string {
	if lo == -2 && v > 0 {
		return fmt.Sprintf("+%d", v)
	}
	return fmt.Sprint(v)
}
