package commands_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// The shipped catalogue is KL's FFB themes for adults, each with its FFB
// code, and every code a short word that tema: takes.
func TestDefaultThemes(t *testing.T) {
	th := commands.DefaultThemes()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	want := map[string]string{"praktisk": "Praktiske opgaver", "egenomsorg": "Egenomsorg", "mobilitet": "Mobilitet",
		"kommunikation": "Kommunikation", "relationer": "Relationer", "samfundsliv": "Samfundsliv", "sundhed": "Sundhedsforhold",
		"mentale": "Mentale funktioner", "fysiske": "Fysiske funktioner", "sociale": "Sociale forhold"}
	if len(th.List) != len(want) {
		t.Fatalf("themes = %d, want %d", len(th.List), len(want))
	}
	for _, x := range th.List {
		if want[x.Code] != x.Name || !uuid.MatchString(x.FFB) || x.NameEN == "" {
			t.Errorf("theme %+v", x)
		}
	}
	if got := th.Name("EGENOMSORG"); got != "Egenomsorg" {
		t.Errorf("Name(EGENOMSORG) = %q", got)
	}
	if got := th.Name("gammel"); got != "gammel" {
		t.Errorf("a code no longer in the catalogue is shown as itself, not %q", got)
	}
	if got := th.Label("en", "egenomsorg"); got != "Self-care" {
		t.Errorf("Label(en) = %q", got)
	}
}

func TestParseThemesRefusesBadCatalogues(t *testing.T) {
	for name, src := range map[string]string{
		"empty":      `title = "x"`,
		"duplicate":  "[[theme]]\ncode = \"a\"\nname = \"A\"\n[[theme]]\ncode = \"a\"\nname = \"B\"\n",
		"upper case": "[[theme]]\ncode = \"Abc\"\nname = \"A\"\n",
		"no name":    "[[theme]]\ncode = \"a\"\n",
		"unknown":    "[[theme]]\ncode = \"a\"\nname = \"A\"\ncolour = \"red\"\n",
		"cpr":        "[[theme]]\ncode = \"a\"\nname = \"A 010190-1234\"\n",
		"not toml":   "[[theme",
		"none word":  "[[theme]]\ncode = \"ingen\"\nname = \"Ingen\"\n",
		// The edit form's select has "Intet tema" first: 99 more at most.
		"100 themes": hundredThemes(),
	} {
		if _, err := commands.ParseThemes([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// hundredThemes is a catalogue of 100 themes, t1 … t100.
func hundredThemes() string {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "[[theme]]\ncode = \"t%d\"\nname = \"Tema %d\"\n", i, i)
	}
	return b.String()
}

func TestThemesList(t *testing.T) {
	e := newEnv(t)
	e.setup()
	out := e.do("bo", "#slusen", "temaer")
	contains(t, out, "Temaer: VUM 2.0 / Fælles Faglige Begreber, voksne", "`egenomsorg` · *Egenomsorg*",
		"`praktisk` · *Praktiske opgaver*", "tema:praktisk")
	out = e.do("bo", "#slusen", "themes")
	contains(t, out, "`egenomsorg` · *Self-care*", "theme:praktisk")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'theme.list' AND actor = 'bo' AND allowed`); n != 2 {
		t.Fatalf("theme.list events = %d, want 2", n)
	}
	contains(t, e.do("bo", "#slusen", "temaer alle"), "Skriv bare `/maal temaer`")
}

// An institution's own catalogue replaces the shipped one.
func TestThemesOwnCatalogue(t *testing.T) {
	db, _ := storetest.Open(t)
	own, err := commands.ParseThemes([]byte("title = \"Børn og unge\"\n[[theme]]\ncode = \"skole\"\nname = \"Skole og dagtilbud\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db, Themes: own})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, h: h, now: monday}
	out := e.do("anna", "#slusen", "temaer")
	contains(t, out, "Temaer: Børn og unge", "`skole` · *Skole og dagtilbud*")
	lacks(t, out, "egenomsorg")
}

func TestThemeOnNewPlanAndEdit(t *testing.T) {
	e := newEnv(t)
	e.setup()
	out := e.do("anna", "#slusen", "ny AB Smøre madpakke tema:Egenomsorg")
	contains(t, out, "✅ Lille mål *AB-2* oprettet: Smøre madpakke", "tema Egenomsorg (egenomsorg)")
	if n := e.count(`SELECT count(*) FROM goals WHERE number = 2 AND theme = 'egenomsorg'`); n != 1 {
		t.Fatalf("goals with the theme = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "vis AB-2"), "tema Egenomsorg (egenomsorg)")
	contains(t, e.do("anna", "#slusen", "AB"), "tema Egenomsorg (egenomsorg)")

	out = e.do("anna", "#slusen", "plan AB Bo i egen lejlighed tema:praktisk")
	contains(t, out, "✅ Handleplansmål *AB-P1* oprettet", "tema Praktiske opgaver (praktisk)")
	if n := e.count(`SELECT count(*) FROM plan_goals WHERE theme = 'praktisk'`); n != 1 {
		t.Fatalf("plan goals with the theme = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "AB"), "*AB-P1* Bo i egen lejlighed · tema Praktiske opgaver (praktisk)")

	// A change is a new fact: the old theme stays in the history.
	out = e.do("anna", "#slusen", "ret AB-1 tema:mobilitet")
	contains(t, out, "Tema: før ingen, nu Mobilitet (mobilitet)")
	out = e.do("anna", "#slusen", "ret AB-1 tema:relationer")
	contains(t, out, "Tema: før Mobilitet (mobilitet), nu Relationer (relationer)")
	out = e.do("anna", "#slusen", "ret AB-1 tema:ingen")
	contains(t, out, "Tema: før Relationer (relationer), nu ingen")
	if n := e.count(`SELECT count(*) FROM goals WHERE number = 1 AND theme IS NULL`); n != 1 {
		t.Fatal("the theme was not removed")
	}
	if got := storetest.Plaintexts(t, e.raw, "goal_changes.new_value",
		`SELECT new_value, key_id FROM goal_changes WHERE field = 'theme' AND goal_id IS NOT NULL AND new_value IS NOT NULL ORDER BY id`); strings.Join(got, ",") != "mobilitet,relationer" {
		t.Fatalf("recorded new themes = %q", got)
	}
	out = e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "Tema ændret af <@anna> 23.11.2026: før ingen, nu Mobilitet (mobilitet)",
		"Tema ændret af <@anna> 23.11.2026: før Mobilitet (mobilitet), nu Relationer (relationer)",
		"Tema ændret af <@anna> 23.11.2026: før Relationer (relationer), nu ingen")

	// A plan goal's theme, with or without a new title.
	out = e.do("anna", "#slusen", "ret AB-P1 tema:samfundsliv")
	contains(t, out, "Tema: før Praktiske opgaver (praktisk), nu Samfundsliv (samfundsliv)")
	if n := e.count(`SELECT count(*) FROM goal_changes WHERE field = 'theme' AND plan_goal_id IS NOT NULL`); n != 1 {
		t.Fatalf("plan theme changes = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "ret AB-P1 mål:3"), "kun en titel og et tema")
}

// An unknown theme is refused with its own message, and nothing is stored.
func TestThemeUnknownRefused(t *testing.T) {
	e := newEnv(t)
	e.setup()
	before := e.goalState(1)
	for _, line := range []string{"ny AB Smøre madpakke tema:madlavning", "plan AB Bo selv tema:madlavning", "ret AB-1 tema:madlavning",
		"ret AB-1 Ny titel tema:madlavning"} {
		out := e.do("anna", "#slusen", line)
		contains(t, out, "*madlavning* er ikke et tema i kataloget", "`/maal temaer`")
	}
	if n := e.count(`SELECT count(*) FROM goals`); n != 1 {
		t.Fatalf("goals = %d, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM plan_goals`) + e.count(`SELECT count(*) FROM goal_changes`); n != 0 {
		t.Fatalf("plan goals and changes = %d, want 0", n)
	}
	if after := e.goalState(1); after != before {
		t.Fatalf("AB-1 changed: %s → %s", before, after)
	}
	// Only the contact person and coordinators change a theme.
	e.do("bo", "#slusen", "team")
	contains(t, e.do("bo", "#slusen", "ret AB-1 tema:mobilitet"), "Kun teamets koordinatorer")
	if n := e.count(`SELECT count(*) FROM goals WHERE theme IS NOT NULL`); n != 0 {
		t.Fatal("bo changed the theme")
	}
}
