package commands_test

import (
	"testing"
)

// GAS done properly (issue 16 #3): level descriptions in text, a baseline
// and a weight, each change a new fact with the old value kept, each
// refusal named and changing nothing.
func TestGASLevelsBaselineWeight(t *testing.T) {
	e := newEnv(t)
	e.setup()                        // anna coordinates Slusen; AB-1
	e.do("carl", "#slusen", "hjælp") // a member, neither coordinator nor contact person

	out := e.do("anna", "#slusen", "ny AB Handle ind selv udgangspunkt:-1 vægt:2")
	contains(t, out, "AB-2", "GAS-udgangspunkt -1", "vægt 2")
	contains(t, e.do("anna", "#slusen", "vis AB-2"), "GAS-udgangspunkt -1", "vægt 2")

	out = e.do("anna", "#slusen", "gas AB-1 +1 Tager bussen alene to gange om ugen")
	contains(t, out, "GAS-niveau +1 på *AB-1* er gemt", "+1: Tager bussen alene to gange om ugen")
	e.do("anna", "#slusen", "gas AB-1 −2 Vil slet ikke med bussen")
	out = e.do("anna", "#slusen", "gas AB-1 1 Tager bussen alene tre gange om ugen")
	contains(t, out, "+1: Tager bussen alene tre gange om ugen", "-2: Vil slet ikke med bussen")
	show := e.do("anna", "#slusen", "vis AB-1")
	contains(t, show, "GAS-niveauer", "+1: Tager bussen alene tre gange om ugen", "-2: Vil slet ikke med bussen",
		// The old description stays, with who and when.
		"GAS +1 ændret af <@anna> 23.11.2026: før «Tager bussen alene to gange om ugen», nu «Tager bussen alene tre gange om ugen»",
		"GAS +1 ændret af <@anna> 23.11.2026: før ingen, nu «Tager bussen alene to gange om ugen»")
	if n := e.count(`SELECT count(*) FROM goal_changes WHERE field LIKE 'gas%'`); n != 3 {
		t.Errorf("GAS level changes recorded = %d, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.gas' AND allowed`); n != 3 {
		t.Errorf("goal.gas audited %d times, want 3", n)
	}
	// Removing a description is a change too.
	contains(t, e.do("anna", "#slusen", "gas AB-1 -2 ingen"), "GAS-niveau -2 på *AB-1* er gemt")
	lacks(t, e.do("anna", "#slusen", "vis AB-1"), "-2: Vil slet ikke")

	// ret sets baseline and weight; the old values stay in the history.
	out = e.do("anna", "#slusen", "ret AB-2 udgangspunkt:0 vægt:3")
	contains(t, out, "GAS-udgangspunkt: før -1, nu 0", "Vægt: før 2, nu 3")
	contains(t, e.do("anna", "#slusen", "vis AB-2"), "GAS-udgangspunkt ændret af <@anna>", "Vægt ændret af <@anna>")

	// Refusals: each says why, and nothing changes.
	snapshot := func() [3]int {
		return [3]int{e.count(`SELECT count(*) FROM goal_changes`),
			e.count(`SELECT count(*) FROM goals WHERE gas_levels IS NOT NULL`),
			e.count(`SELECT coalesce(sum(gas_weight * 10 + gas_baseline), 0) FROM goals`)}
	}
	before := snapshot()
	for _, tc := range []struct{ user, channel, text, want string }{
		{"carl", "#slusen", "gas AB-1 0 Tager bussen med støtte", "Kun teamets koordinatorer og borgerens kontaktperson (<@anna>) kan beskrive GAS-niveauerne på *AB-1*"},
		{"anna", "#slusen", "gas AB-1 +3 For meget", "GAS-niveauet *+3* findes ikke"},
		{"anna", "#slusen", "gas AB-1 +1", "Skriv ref, GAS-niveau og hvad niveauet betyder"},
		{"anna", "#slusen", "gas AB-1 +1 Tager bussen alene tre gange om ugen", "Det står allerede sådan på *AB-1*"},
		{"anna", "#slusen", "ret AB-2 vægt:5", "*vægt:* er et helt tal fra 1 til 3"},
		{"anna", "#slusen", "ny AB Noget nyt udgangspunkt:-3", "*udgangspunkt:* er GAS-niveauet ved start"},
		{"bo", "#andet", "gas AB-1 0 Tager bussen", "intet mål"},
		{"anna", "#slusen", "gas AB-1 0 Ring på 010190-1234", "CPR"},
	} {
		contains(t, e.do(tc.user, tc.channel, tc.text), tc.want)
	}
	if after := snapshot(); after != before {
		t.Errorf("a refusal changed the record: %v, then %v", before, after)
	}
	if n := e.count(`SELECT count(*) FROM goals`); n != 2 {
		t.Errorf("goals = %d, want 2 (the refused ny stored one)", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.gas' AND NOT allowed`); n < 2 {
		t.Errorf("refused goal.gas audited %d times, want the member's and the outsider's", n)
	}
}
