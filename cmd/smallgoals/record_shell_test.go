package main

import (
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

// In the shell: a coordinator cancels a colleague's entry by its number,
// with a reason, and vis tells who did it and why; a second revision the
// same day asks for bekræft; a revisitation leaves the goal waiting for
// the municipality.
func TestShellCorrectAndRevise(t *testing.T) {
	url := storetest.URL(t)
	code, out, stderr := shellRun(t, map[string]string{"DATABASE_URL": url}, strings.Join([]string{
		":user anna", ":channel #slusen",
		"/maal team opret Slusen", "/maal borger ny AB", "/maal ny AB Tage bussen alene til arbejde",
		":user bent",
		"/maal AB-1 5 Forkert borger",
		"/maal AB-1 6 Tog bussen",
		"/maal fortryd AB-1 nr:1 Prøver selv",
		":user anna",
		"/maal fortryd AB-1 nr:1 Skrevet på den forkerte borger",
		"/maal vis AB-1",
		"/maal revider AB-1 -1 revisitation borger:ja Ny handleplan",
		"/maal revider AB-1 0 fortsættes borger:nej",
		"/maal AB",
		"/maal frist",
	}, "\n")+"\n", "shell")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"Kun teamets koordinatorer kan fortryde en kollegas registrering",
		"Registrering nr. 1 på AB-1 er fortrudt (personale 5 · ",
		"nr. 2 · ",
		"(fortrudt af @anna ",
		"begrundelse: Skrevet på den forkerte borger",
		"går tilbage til kommunen",
		"AB-1 er allerede revideret i dag",
		"afventer kommunen (revisitation ",
		"Afventer kommunen (revisitation): AB-1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
	for _, secret := range []string{"forkerte borger", "Prøver selv"} {
		if strings.Contains(stderr, secret) {
			t.Errorf("stderr holds %q", secret)
		}
	}
}
