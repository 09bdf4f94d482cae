package bot_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/reminders"
)

// The month of an institution (issue 15) in Slack, against the fake: the
// same story as the shell's (cmd/smallgoals TestShellMonthOfAnInstitution)
// typed as slash commands with Slack's escaped mentions and channels, then
// App Home and the week's digests tell it, checked by the validator on
// every payload.
func TestSlackMonthOfAnInstitution(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA", "UBO", "UCARL", "UBOT") // #slusen
	e.fake.setMembers("C2", "UANNA", "UBOT")                 // #lyngen
	e.slack.ForgetAll()
	bo, lyngen := "<@UBO|bo>", "<#C2|lyngen>"
	for _, s := range []struct{ user, ch, text, want string }{
		{"UANNA", "C1", "team opret Slusen", "✅"}, {"UANNA", "C2", "team opret Lyngen", "✅"},
		{"UANNA", "C1", "borger ny AB", "✅"}, {"UANNA", "C1", "borger ny CD", "✅"}, {"UANNA", "C1", "borger ny EF", "✅"},
		{"UANNA", "C1", "plan AB Klare transport selv", "✅"}, {"UANNA", "C1", "ny AB Tage bussen alene plan:1", "✅"},
		{"UANNA", "C1", "ny AB Smøre madpakke", "✅"}, {"UANNA", "C1", "ny CD Gå i bad selv", "✅"}, {"UANNA", "C1", "ny EF Lave mad", "✅"},
		{"UANNA", "C1", "koordinator " + bo, "koordinator"},
		{"UBO", "C1", "AB-1 4 b:6 dato:iforgårs Med støtte hele vejen", "✅"},
		{"UCARL", "C1", "AB-1 5 dato:i går Alene halvvejen", "✅"}, {"UCARL", "C1", "AB-2 9 Skrevet på forkert borger", "✅"},
		{"UCARL", "C1", "EF-1 5 Lavede pasta", "✅"}, {"UBO", "C1", "AB-1 b:8 Borgeren syntes selv det gik godt", "borger 8"},
		{"UANNA", "C1", "fortryd AB-2 nr:1 Skrevet på den forkerte borger", "er fortrudt"},
		{"UANNA", "C1", "revider AB-1 -1 ændres borger:ja For stort et skridt", "ret AB-1"},
		{"UANNA", "C1", "ret AB-1 Tage bussen med en voksen hver:28", "✅"},
		{"UANNA", "C1", "revider AB-2 +2 afsluttes borger:nej Nået", "afsluttet"},
		{"UANNA", "C1", "genåbn AB-2", "genåbnet"}, {"UANNA", "C1", "plan luk AB-P1 behold", "afsluttet"},
		{"UANNA", "C1", "revider CD-1 0 revisitation borger:ja Kommunen skal vurdere", "afventer kommunen"},
		{"UANNA", "C1", "koordinator fjern " + bo, "ikke længere koordinator"},
		{"UANNA", "C1", "borger udskriv EF", "udskrevet"},
		{"UANNA", "C1", "borger flyt AB " + lyngen, "flyttet"},
		// Refusals, each with its reason.
		{"UCARL", "C1", "koordinator fjern <@UANNA|anna>", "kun teamets koordinatorer"},
		{"UANNA", "C1", "koordinator fjern <@UANNA|anna>", "eneste koordinator"},
		{"UANNA", "C1", "borger udskriv EF", "allerede udskrevet"},
		{"UANNA", "C2", "ret AB-1 skala:1-5", "registreret scorer"},
	} {
		if out := e.command(s.user, s.ch, s.text); !strings.Contains(out, s.want) {
			t.Fatalf("%s in %s: %q: the answer lacks %q:\n%s", s.user, s.ch, s.text, s.want, out)
		}
	}
	for _, s := range []struct {
		text  string
		wants []string
	}{
		{"vis AB-1", []string{"nr. 3", "borger 8", "Titel ændret af", "Tage bussen alene", "flyttet fra Slusen til Lyngen"}},
		{"vis AB-2", []string{"fortrudt af", "Skrevet på den forkerte borger", "uden borgeren", "Genåbnet af"}},
		{"AB", []string{"team Lyngen", "AB-P1", "afsluttet"}},
	} {
		out := e.command("UANNA", "C2", s.text)
		for _, w := range s.wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", s.text, w, out)
			}
		}
	}
	// bo and carl are not on Lyngen: AB, moved there, is out of their reach.
	if out := e.command("UCARL", "C1", "vis AB-1"); strings.Contains(out, "Tage bussen") {
		t.Errorf("carl still sees the moved borger: %s", out)
	}

	// App Home: the goal waiting for the municipality; not the discharged
	// borger's.
	openHome(e, "UANNA", "EvMonth")
	home := e.fake.lastHome(t, "UANNA").View
	if !strings.Contains(home, "afventer kommunen") || strings.Contains(home, "EF-1") {
		t.Errorf("App Home: %s", home)
	}

	// The week's digests, posted to the team channels.
	cph := smallgoals.Location("Europe/Copenhagen")
	cal := reminders.NewCalendar()
	monday := smallgoals.Day(time.Now(), cph).AddDate(0, 0, 1)
	for monday.Weekday() != time.Monday || !cal.IsWorkday(monday) {
		monday = monday.AddDate(0, 0, 1)
	}
	before := len(e.fake.postsCopy())
	dig := &reminders.Digester{Store: e.db, Post: e.slack, Text: e.handler, Calendar: cal, Log: slog.New(slog.DiscardHandler),
		Chart: func(string, []smallgoals.DigestGoal, string) ([]byte, error) { return []byte("png"), nil }}
	if _, err := dig.Digest(context.Background(), time.Date(monday.Year(), monday.Month(), monday.Day(), 9, 0, 0, 0, cph)); err != nil {
		t.Fatal(err)
	}
	digests := map[string]string{}
	for _, p := range e.fake.postsCopy()[before:] {
		digests[p.Channel] += p.Text + p.Blocks
	}
	if d := digests["C2"]; !strings.Contains(d, "uden borgeren") || !strings.Contains(d, "AB-1") {
		t.Errorf("Lyngen's digest: %s", d)
	}
	if d := digests["C1"]; !strings.Contains(d, "Afventer kommunen") || strings.Contains(d, "EF-1") {
		t.Errorf("Slusen's digest: %s", d)
	}
	for ch, d := range digests {
		for _, leak := range []string{"Med støtte", "Skrevet på", "For stort", "Kommunen skal"} {
			if strings.Contains(d, leak) {
				t.Errorf("the digest in %s holds note text %q", ch, leak)
			}
		}
	}
}
