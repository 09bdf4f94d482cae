package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"smallgoals"
	"smallgoals/commands"
)

// How a demo goal's revisions go. Most are revised on time with the
// borger; a few are due this week, one is overdue, one went back to the
// municipality, one was adjusted.
const (
	revOnTime  = iota // revised on each due date (or a day or two before), continued
	revDue            // as revOnTime, the next revision set within the coming week
	revOverdue        // the last due date passed without a revision
	revRevisit        // the last revision sent it back to the municipality (revisitation)
	revAdjust         // the first revision adjusted it (ændres), with a new target
)

// demoGoal is a small goal of the demo data and how its scores move.
//
// Each goal has a theme of the catalogue (tema:KODE in opts).
type demoGoal struct {
	plan  int    // the plan goal's number, 0 for none
	title string // the small goal
	opts  string // extra options for "ny"
	start float64
	slope float64 // points a week
	gap   float64 // how much higher the borger scores than the staff
	rev   int     // how its revisions go (rev…)
	gas   [5]string
}

type demoCitizen struct {
	alias, contact string
	plans          []string
	goals          []demoGoal
	discharged     int // days after the start the borger was discharged; 0: still here
}

var demoCitizens = []demoCitizen{
	{"AB", "anna", []string{"Klare mere selv i hverdagen", "Komme i beskæftigelse"}, []demoGoal{
		{1, "Står selv op kl. 7 på hverdage", "tema:egenomsorg", 3, 0.35, 1, revOnTime, [5]string{}},
		{1, "Smører selv madpakke", "skala:1-5 mål:5 tema:praktisk", 2, 0.2, 0.5, revDue, [5]string{}},
		{2, "Tager bussen alene til praktikken", "mål:8 tema:mobilitet", 2, 0.45, 1.5, revAdjust, [5]string{}},
	}, 0},
	{"KJ", "bo", []string{"Bedre søvn og mindre uro"}, []demoGoal{
		{1, "Går i seng før kl. 23", "tema:sundhed", 5, 0.1, -1, revOnTime, [5]string{}},
		// A GAS goal: its five levels described, its baseline and the
		// weight the borger gives it.
		{1, "Beder om hjælp, når uroen kommer", "skala:gas tema:mentale udgangspunkt:-1 vægt:3", -1, 0.12, 0, revOnTime, [5]string{
			"Går sin vej eller råber, når uroen kommer",
			"Beder om hjælp, når en voksen spørger",
			"Beder selv om hjælp én gang om ugen",
			"Beder selv om hjælp, før uroen bliver stor",
			"Bruger selv sin plan og fortæller bagefter, hvordan det gik",
		}},
	}, 0},
	{"MØ", "carl", []string{"Et socialt liv uden for bostedet"}, []demoGoal{
		{1, "Deltager i fællesspisning om torsdagen", "tema:relationer", 4, 0.05, -2, revRevisit, [5]string{}},
		{1, "Ringer selv til sin søster", "skala:0-10 tema:kommunikation", 3, 0.3, 3, revOnTime, [5]string{}},
	}, 0},
	{"SL", "anna", []string{"Styr på økonomien"}, []demoGoal{
		{1, "Laver ugebudget med støtte", "tema:samfundsliv", 6, -0.15, 0, revOverdue, [5]string{}},
		{1, "Betaler regninger til tiden", "mål:9 tema:samfundsliv", 5, 0.2, 1, revOnTime, [5]string{}},
	}, 0},
	{"TR", "bo", []string{"Sund hverdag"}, []demoGoal{
		{1, "Går en tur på mindst 20 minutter", "tema:sundhed", 3, 0.4, 0, revOnTime, [5]string{}},
		{0, "Spiser morgenmad", "hver:28 tema:egenomsorg", 6, 0.15, -1, revDue, [5]string{}},
	}, 0},
	// Moved into a flat of his own: discharged, his record kept until
	// retention.
	{"PE", "carl", []string{"Flytte i egen lejlighed"}, []demoGoal{
		{1, "Handler selv ind en gang om ugen", "mål:8 tema:praktisk", 5, 0.4, 0.5, revOnTime, [5]string{}},
	}, 70},
}

var demoNotes = []string{
	"Gik fint i dag", "Havde brug for en påmindelse", "Klarede det selv", "Svær dag, men prøvede",
	"Tog initiativ selv", "Med lidt støtte", "Var stolt bagefter", "Glemte det i første omgang",
	"God snak om det bagefter", "Ville gerne prøve igen i morgen",
}

// Demo fills the database with a small, realistic Danish data set through
// the commands and forms, as staff would have used them over three
// months, in good practice: one team, borgere with plan goals and small
// goals, entries with the staff's and the borger's own scores, most goals
// revised on time with the borger, a few due this week, one overdue, a
// revisitation waiting for the municipality, a coordinator's correction
// of a colleague's entry, GAS level descriptions on the GAS goal, and a
// discharged borger.
func (m *Main) Demo(ctx context.Context, now time.Time, w io.Writer) error {
	h := m.Commands
	const ch = "#lyngbakken"
	loc := smallgoals.Location(m.Config.TZ)
	today := smallgoals.Day(now, loc)
	start := today.AddDate(0, -3, 0)
	at := func(d time.Time, hour int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 15, 0, 0, loc)
	}
	req := func(user, text string, t time.Time) commands.Request {
		return commands.Request{UserID: user, ChannelID: ch, ChannelName: "lyngbakken", Text: text, Time: t}
	}
	do := func(user, text string, t time.Time) (string, error) {
		out := h.Handle(ctx, req(user, text, t)).Text()
		if strings.Contains(out, "✅") || strings.Contains(out, "↩") || strings.Contains(out, "🏛") {
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
	for _, s := range []struct{ user, text string }{{"anna", "koordinator @bo"}, {"bo", "hjælp"}, {"carl", "hjælp"}} {
		h.Handle(ctx, req(s.user, s.text, at(start, 9)))
	}
	// The offer's leader, who reads the figures (overblik), never a borger.
	if _, err := do("anna", "team leder @dorte", at(start, 9)); err != nil {
		return err
	}

	rnd := rand.New(rand.NewPCG(7, 42))
	entries, revisions := 0, 0
	last := today.AddDate(0, 0, -1) // the demo's data ends yesterday
	type written struct {
		ref, user string
		n         int
		day       time.Time
	}
	var colleague written // an entry by bo on AB-1 in the last weeks: the coordinator corrects it
	for _, c := range demoCitizens {
		if _, err := do(c.contact, "borger ny "+c.alias, at(start, 10)); err != nil {
			return err
		}
		for _, p := range c.plans {
			if _, err := do(c.contact, "plan "+c.alias+" "+p, at(start, 10)); err != nil {
				return err
			}
		}
		end := last
		if c.discharged > 0 {
			end = start.AddDate(0, 0, c.discharged-1)
		}
		for i, g := range c.goals {
			ref := fmt.Sprintf("%s-%d", c.alias, i+1)
			if err := demoNewGoal(ctx, h, req(c.contact, "", at(start, 11)), c.alias, g); err != nil {
				return err
			}
			lo, hi := 1, 10
			switch {
			case strings.Contains(g.opts, "skala:1-5"):
				lo, hi = 1, 5
			case strings.Contains(g.opts, "skala:0-10"):
				lo, hi = 0, 10
			case strings.Contains(g.opts, "skala:gas"):
				lo, hi = -2, 2
			}
			cadence := smallgoals.DefaultCadenceDays
			if strings.Contains(g.opts, "hver:28") {
				cadence = 28
			}
			clamp := func(v float64) int { return max(lo, min(hi, int(math.Round(v)))) }
			noise := 0.8 * float64(hi-lo) / 9 // calmer on the short scales
			due := start.AddDate(0, 0, cadence)
			n := 0       // the goal's entries, numbered as vis shows them
			revised := 0 // the goal's revisions
			for d := start.AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
				weeks := d.Sub(start).Hours() / 24 / 7
				staff := clamp(g.start + g.slope*weeks + rnd.NormFloat64()*noise)
				if rnd.IntN(7) < 3 { // about three entries a week
					text := fmt.Sprintf("%s %s", ref, demoScore(lo, staff))
					if rnd.IntN(3) > 0 {
						text += " b:" + demoScore(lo, clamp(float64(staff)+g.gap+rnd.NormFloat64()*noise))
					}
					text += " " + demoNotes[rnd.IntN(len(demoNotes))]
					users := []string{c.contact, "anna", "bo", "carl"}
					user := users[rnd.IntN(len(users))]
					if _, err := do(user, text, at(d, 14+rnd.IntN(6))); err != nil {
						return err
					}
					entries++
					n++
					if ref == "AB-1" && user == "bo" && today.Sub(d) < 20*24*time.Hour {
						colleague = written{ref, user, n, d}
					}
				}
				// Revised on the due date, or a day or two before, with the borger.
				if d.Equal(due.AddDate(0, 0, -rnd.IntN(3))) || d.Equal(due) {
					lastCycle := due.AddDate(0, 0, cadence).After(last)
					if g.rev == revOverdue && lastCycle {
						due = time.Time{} // left undone: overdue since
						continue
					}
					text := demoRevision(g, ref, lo, staff, ref == "KJ-1" && revised == 0, lastCycle, rnd)
					next := d.AddDate(0, 0, cadence)
					if g.rev == revDue && lastCycle {
						next = today.AddDate(0, 0, 2+rnd.IntN(4)) // due this week
						text += " næste:" + smallgoals.FormatDate(next)
					}
					if _, err := do(c.contact, text, at(d, 13)); err != nil {
						return err
					}
					revisions++
					revised++
					due = next
					if strings.Contains(text, " ændres ") {
						// Adjusted within the frame: a nearer target, typed by the contact person.
						if _, err := do(c.contact, "ret "+ref+" mål:7", at(d, 13)); err != nil {
							return err
						}
					}
				}
			}
		}
		if c.discharged > 0 {
			if _, err := do("anna", "borger udskriv "+c.alias, at(start.AddDate(0, 0, c.discharged), 10)); err != nil {
				return err
			}
		}
	}
	// A coordinator's correction: bo's entry was about another borger.
	if colleague.ref != "" {
		fix := fmt.Sprintf("fortryd %s nr:%d Skrevet på den forkerte borger", colleague.ref, colleague.n)
		if _, err := do("anna", fix, at(colleague.day.AddDate(0, 0, 1), 9)); err != nil {
			return err
		}
	}
	// The team's conclusion at the staff meeting, about the overdue goal's
	// borger: the next digest says it exists (never its text).
	if _, err := do("anna", "refleksion om:SL Vi giver SL mere støtte til budgettet og reviderer i næste uge", at(last, 14)); err != nil {
		return err
	}
	fmt.Fprintf(w, "demo: team Lyngbakken in #lyngbakken with %d borgere (1 discharged), %d entries and %d revisions over three months.\n",
		len(demoCitizens), entries, revisions)
	fmt.Fprintln(w, "demo: try  :user anna  :channel #lyngbakken  /maal AB  /maal vis AB-1  /maal frist  /maal graf AB  /maal eksport AB  /maal borgere udskrevne")
	return nil
}

// demoNewGoal adds a goal as its contact person would: typed, with the
// GAS levels described one by one where it has them (gas REF LEVEL TEXT).
func demoNewGoal(ctx context.Context, h *commands.Handler, r commands.Request, alias string, g demoGoal) error {
	opts := g.opts
	if g.plan > 0 {
		opts += fmt.Sprintf(" plan:%d", g.plan)
	}
	r.Text = strings.TrimSpace(fmt.Sprintf("ny %s %s %s", alias, g.title, opts))
	out := h.Handle(ctx, r).Text()
	if !strings.Contains(out, "✅") {
		return fmt.Errorf("demo: %q answered %q", r.Text, out)
	}
	ref := demoRef.FindString(out)
	for i, text := range g.gas {
		if text == "" {
			continue
		}
		r.Text = fmt.Sprintf("gas %s %s %s", ref, smallgoals.FormatGASLevel(i-2), text)
		if out := h.Handle(ctx, r).Text(); !strings.Contains(out, "✅") {
			return fmt.Errorf("demo: %q answered %q", r.Text, out)
		}
	}
	return nil
}

// demoRef finds the new goal's ref in the answer to ny.
var demoRef = regexp.MustCompile(`\p{Lu}[\p{Lu}0-9]*-[0-9]+`)

// demoRevision is the revision of a goal whose latest staff score is
// staff, as typed: the GAS level the scores show, the outcome its plan
// says, and whether the borger took part (not when without).
func demoRevision(g demoGoal, ref string, lo, staff int, without, lastCycle bool, rnd *rand.Rand) string {
	level := 0
	switch {
	case lo == -2:
		level = staff
	case g.slope >= 0.3:
		level = 1
	case g.slope < 0:
		level = -1
	}
	if rnd.IntN(5) == 0 {
		level = min(2, level+1)
	}
	outcome, text := "fortsættes", "Talt igennem med borgeren; vi fortsætter"
	switch {
	case g.rev == revRevisit && lastCycle:
		outcome, text = "revisitation", "Borgeren vil ikke længere med til fællesspisning; kommunen spørges om målet"
	case g.rev == revAdjust && !lastCycle:
		outcome, text = "ændres", "Målet var for stort; vi sætter det lavere sammen med borgeren"
	}
	took := "ja"
	if without {
		took, text = "nej", "Borgeren var syg; revideret af personalet, tages op med borgeren næste gang"
	}
	return fmt.Sprintf("revider %s %s %s borger:%s %s", ref, smallgoals.FormatGASLevel(level), outcome, took, text)
}

// demoScore writes a score as typed: with a sign on the GAS scale.
func demoScore(lo, v int) string {
	if lo == -2 && v > 0 {
		return fmt.Sprintf("+%d", v)
	}
	return fmt.Sprint(v)
}
