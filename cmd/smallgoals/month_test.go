package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"smallgoals/store/storetest"
)

// monthScript is a month of an institution's life (issue 15), typed into
// the shell: entries by three staff (one backdated, one the borger's own
// score alone), a coordinator's correction of a colleague's entry, a goal
// edited after a revision that says ændres, a goal closed and reopened, a
// plan goal closed, a revisitation waiting for the municipality, a
// coordinator removed, a borger discharged and one moved to another team —
// then every refusal the issue names.
var monthScript = []string{
	":user anna", ":channel #slusen", "/maal team opret Slusen", ":channel #lyngen", "/maal team opret Lyngen",
	":channel #slusen", "/maal borger ny AB", "/maal borger ny CD", "/maal borger ny EF",
	"/maal plan AB Klare transport selv", "/maal ny AB Tage bussen alene plan:1", "/maal ny AB Smøre madpakke",
	"/maal ny CD Gå i bad selv", "/maal ny EF Lave mad", "/maal koordinator @bo",
	":user bo", "/maal AB-1 4 b:6 dato:iforgårs Med støtte hele vejen",
	":user carl", "/maal AB-1 5 dato:i går Alene halvvejen", "/maal AB-2 9 Skrevet på forkert borger", "/maal EF-1 5 Lavede pasta",
	":user bo", "/maal AB-1 b:8 Borgeren syntes selv det gik godt",
	":user anna",
	"/maal fortryd AB-2 nr:1 Skrevet på den forkerte borger",
	"/maal revider AB-1 -1 ændres borger:ja For stort et skridt",
	"/maal ret AB-1 Tage bussen med en voksen hver:28",
	"/maal revider AB-2 +2 afsluttes borger:nej Nået",
	"/maal genåbn AB-2",
	"/maal plan luk AB-P1 behold",
	"/maal revider CD-1 0 revisitation borger:ja Kommunen skal vurdere",
	"/maal koordinator fjern @bo",
	"/maal borger udskriv EF",
	"/maal borger flyt AB #lyngen",
	// The whole story, where it is told.
	":channel #lyngen", "/maal vis AB-1", "/maal vis AB-2", "/maal AB",
	":channel #slusen", "/maal frist", "/maal team", "/maal borgere udskrevne", "/maal borgere",
	":user bo", ":channel #andet", "/maal team opret Andet",
}

// monthRefusals are the refusals the issue names, after the month: each
// says why, and changes nothing.
var monthRefusals = []string{
	":user carl", ":channel #slusen", "/maal koordinator fjern @anna",
	":user anna", "/maal koordinator fjern @anna", "/maal borger udskriv EF",
	":channel #lyngen", "/maal ret AB-1 skala:1-5", "/maal borger flyt AB #nowhere", "/maal borger flyt AB #andet",
	"/maal genåbn AB-1", "/maal fortryd AB-2 nr:1",
}

func TestShellMonthOfAnInstitution(t *testing.T) {
	url := storetest.URL(t)
	dir := t.TempDir()
	vars := map[string]string{"DATABASE_URL": url, "SMALLGOALS_FILES_DIR": dir}
	env := envFunc(vars)
	o := shell(t, vars, monthScript...)
	// section returns the reply that starts with head.
	section := func(head string) string {
		t.Helper()
		i := strings.Index(o, head)
		if i < 0 {
			t.Fatalf("no %q in the shell's output:\n%s", head, o)
		}
		s := o[i:]
		if j := strings.Index(s, "\n\n"); j >= 0 {
			s = s[:j]
		}
		return s
	}
	has := func(what, s string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(s, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, s)
			}
		}
	}
	// vis AB-1: every entry with its number and author (the borger's own
	// score alone, a backdated one), the revision, the edit with the old
	// values, the plan goal removed when it closed, the move.
	has("vis AB-1", section("== AB-1 Tage bussen med en voksen =="),
		"nr. 3 · ", "borger 8 · @bo", "nr. 2 · ", "5 · @carl", "nr. 1 · ", "4 · borger 6 · @bo",
		"GAS -1 · ændres · @anna · borgeren deltog",
		"Titel ændret af @anna", "før «Tage bussen alene», nu «Tage bussen med en voksen»",
		"Interval ændret af @anna", "før hver 42. dag, nu hver 28. dag",
		"Handleplansmål ændret af @anna", "før AB-P1, nu ingen",
		"flyttet fra Slusen til Lyngen · @anna")
	// vis AB-2: the colleague's entry cancelled by the coordinator with the
	// reason; closed without the borger, then reopened.
	has("vis AB-2", section("== AB-2 Smøre madpakke =="),
		"~nr. 1 · ", "9 · @carl~ (fortrudt af @anna", "begrundelse: Skrevet på den forkerte borger",
		"GAS +2 · afsluttes · @anna · uden borgeren", "Genåbnet af @anna")
	has("/maal AB", section("== AB — 2 aktive mål =="),
		"team Lyngen", "~AB-P1~ Klare transport selv (afsluttet", "AB-1 Tage bussen med en voksen", "borger 8")
	has("frist", section("== Til revision de næste 7 dage =="), "Afventer kommunen (revisitation): CD-1 (")
	has("team", section("== Team Slusen =="), "Koordinatorer: @anna\n", "@bo er ikke længere koordinator (fjernet af @anna)",
		"@bo blev koordinator (tilføjet af @anna)")
	has("borgere udskrevne", section("== Udskrevne borgere i Slusen =="), "EF · udskrevet")
	borgere := o[strings.LastIndex(o, "== Borgere i Slusen =="):]
	borgere = borgere[:strings.Index(borgere, "\n\n")]
	if strings.Contains(borgere, "AB") || strings.Contains(borgere, "EF") || !strings.Contains(borgere, "CD") {
		t.Errorf("borgere in Slusen after the move and the discharge:\n%s", borgere)
	}
	// Every refusal says why, and changes nothing but the access log.
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	snapshot := func() string {
		var b strings.Builder
		for _, v := range storetest.Everything(t, raw) {
			if v.Table != "audit_events" {
				b.WriteString(v.Table + "." + v.Column + "=" + v.Text + "\n")
			}
		}
		lines := strings.Split(b.String(), "\n")
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	before := snapshot()
	refused := shell(t, vars, monthRefusals...)
	has("the refusals", refused,
		"Det kan kun teamets koordinatorer",                               // carl removes a coordinator
		"@anna er teamets eneste koordinator og kan ikke fjernes",         // the last one
		"EF blev allerede udskrevet",                                      // discharged twice
		"kan ikke ændres, for der er registreret scorer",                  // a scale change with scores
		"er ikke et team",                                                 // a move to a channel that is no team
		"Du kan kun flytte en borger til et team, hvor du er koordinator", // … or one the caller does not coordinate
		"AB-1 er ikke afsluttet",                                          // reopening an active goal
		"allerede fortrudt",                                               // cancelling twice
	)
	if after := snapshot(); after != before {
		t.Errorf("the refusals changed the record")
	}
	o += refused + shell(t, vars, ":user anna", ":channel #lyngen", "/maal eksport AB")

	// The digests of the week: the moved borger's revisions in Lyngen (the
	// one without the borger marked), the waiting goal in Slusen, nothing
	// of the discharged borger, no note text.
	monday := nextMonday(time.Now()).Format("2006-01-02") + "T09:00:00+01:00"
	var dout, derr bytes.Buffer
	if code := run(context.Background(), []string{"digest", "--once", "--at", monday}, env, nil, &dout, &derr); code != 0 {
		t.Fatalf("digest: %d %s", code, derr.String())
	}
	d := dout.String()
	lyngen, slusen := d[strings.Index(d, "→ #lyngen"):], d[strings.Index(d, "→ #slusen"):]
	has("Lyngen's digest", lyngen, "AB-1 GAS -1 ændres", "AB-2 GAS +2 afsluttes (uden borgeren)")
	has("Slusen's digest", slusen, "🏛️ Afventer kommunen: CD-1")
	for _, leak := range []string{"EF-1", "Med støtte", "Skrevet på", "For stort", "Nået", "Kommunen skal"} {
		if strings.Contains(d, leak) {
			t.Errorf("the digests hold %q:\n%s", leak, d)
		}
	}

	// The export: every fact, each row with every column.
	paths := regexp.MustCompile(`📎 (\S+\.csv)`).FindStringSubmatch(o)
	if paths == nil {
		t.Fatalf("no CSV exported:\n%s", o)
	}
	b, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the export CSV does not read as CSV: %v\n%s", err, b)
	}
	kinds := map[string]int{}
	for _, rec := range recs[1:] {
		kinds[rec[0]]++
	}
	if kinds["registrering"] != 4 || kinds["revision"] != 2 || kinds["ændring"] < 5 || kinds["forløb"] != 1 {
		t.Errorf("export rows by kind = %v", kinds)
	}
	has("the export", string(b), "Skrevet på den forkerte borger", "uden borgeren", "flyttet fra Slusen til Lyngen",
		"før «Tage bussen alene», nu «Tage bussen med en voksen»")
}
