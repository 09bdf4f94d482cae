package main

import (
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

// In the shell, a revision with the outcome ændres prints the edit
// command prefilled; typed, it edits the goal and vis tells the old and
// the new; a goal closed by mistake is reopened, a plan goal closed.
func TestShellGoalLifecycle(t *testing.T) {
	url := storetest.URL(t)
	out := shell(t, map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": testDataKey},
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB",
		"/maal plan AB Klare transport selv", "/maal ny AB Tage bussen plan:1",
		"/maal revider AB-1 -1 ændres For stort et skridt",
		"/maal ret AB-1 Tage bussen med en voksen hver:28",
		"/maal revider AB-1 0 afsluttes bekræft", "/maal genåbn AB-1",
		"/maal plan luk AB-P1", "/maal plan luk AB-P1 behold",
		"/maal vis AB-1", "/maal AB",
	)
	for _, want := range []string{
		"Skal målet ændres? Ret det — det gamle står stadig i historikken: /maal ret AB-1 Tage bussen hver:42",
		"✅ AB-1 er rettet: Tage bussen med en voksen",
		"✅ AB-1 Tage bussen med en voksen er genåbnet.",
		"Skriv /maal plan luk AB-P1 luk-mål for at afslutte dem også, eller /maal plan luk AB-P1 behold",
		"fortsætter uden handleplansmål: AB-1",
		"Titel ændret af @anna", "før «Tage bussen», nu «Tage bussen med en voksen»",
		"Genåbnet af @anna", "Handleplansmål ændret af @anna", "før AB-P1, nu ingen",
		"Klare transport selv (afsluttet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("shell output lacks %q:\n%s", want, out)
		}
	}
}
