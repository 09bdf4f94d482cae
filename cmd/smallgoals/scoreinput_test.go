package main

import (
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

// Issue 15, items 7 and 9, as a late shift types them into `smallgoals
// shell`: the borger's score alone, yesterday's entry, the borger's score
// misspelt, a ref without its dash, a command mistyped, a ref alone.
func TestShellScoreInput(t *testing.T) {
	url := storetest.URL(t)
	out := shell(t, map[string]string{"DATABASE_URL": url},
		":user anna",
		":channel #slusen",
		"/maal team opret Slusen",
		"/maal borger ny AB",
		"/maal ny AB Tage bussen alene til arbejde",
		"/maal AB-1 5 b:6 dato:i går Sen vagt",
		"/maal AB-1 b:7 Tog selv bussen",
		"/maal AB-1 6 B 7",
		"/maal AB-1 4,5",
		"/maal AB1 5",
		"/maal frsit",
		"/maal AB",
		"/maal AB-1",
	)
	for _, want := range []string{
		"Registreret på AB-1: personale 5 · borger 6 · i går",
		"Registreret på AB-1: borger 7 · i dag",
		"Mente du borgerens score? Skriv b:7 med kolon",
		"4,5 er ikke et helt tal",
		"Mente du AB-1?",
		"Den kommando kender jeg ikke, og jeg kender ingen borger FRSIT",
		"/maal frist",
		"borger 7 (i dag)",
		"AB-1 Tage bussen alene til arbejde ==\n  skala 1 til 10",
		"borger 7 · @anna\n> Tog selv bussen",
		"personale 5 · borger 6 · @anna\n> Sen vagt",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "personale 5 · borger 6 · i dag") {
		t.Errorf("dato:i går stored as today")
	}
	if strings.Count(out, "Registreret på") != 2 {
		t.Errorf("%d entries saved, want 2", strings.Count(out, "Registreret på"))
	}
}
