package commands_test

import (
	"bytes"
	"context"
	"image/png"
	"testing"

	"smallgoals/chart"
	"smallgoals/commands"
)

// chartOf runs a chart command and returns the reply.
func (e *env) chartOf(user, channel, text string) commands.Reply {
	e.t.Helper()
	return e.h.Handle(context.Background(), commands.Request{UserID: user, ChannelID: channel, Text: text, Time: e.now})
}

func pngSize(t *testing.T, b []byte) (int, int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	return img.Bounds().Dx(), img.Bounds().Dy()
}

// TestChartNothingYet: a goal without entries gets words, not an empty
// plot; so does a borger whose active goals have none.
func TestChartNothingYet(t *testing.T) {
	e := newEnv(t)
	e.setup()
	r := e.chartOf("anna", "#slusen", "graf AB-1")
	contains(t, r.Text(), "ingen registreringer på *AB-1* endnu", "/maal AB-1 SCORE")
	if len(r.Files) != 0 {
		t.Errorf("an empty chart was sent: %d files", len(r.Files))
	}
	r = e.chartOf("anna", "#slusen", "graf AB")
	contains(t, r.Text(), "ingen registreringer på *AB*'s aktive mål endnu")
	if len(r.Files) != 0 {
		t.Errorf("an empty page was sent: %d files", len(r.Files))
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action IN ('goal.chart', 'citizen.chart') AND allowed`); n != 2 {
		t.Errorf("allowed chart audits = %d, want 2", n)
	}
	e.do("anna", "#slusen", "borger ny CD")
	contains(t, e.chartOf("anna", "#slusen", "graf CD").Text(), "*CD* har ingen aktive mål")
}

func TestChartGoalAndCitizen(t *testing.T) {
	e := newEnv(t)
	e.setup()
	for _, cmd := range []string{
		"ny AB Sige fra skala:gas", "ny AB Spise morgenmad skala:1-5",
		"AB-1 4 b:5 dato:2026-11-20 Tog bussen", "AB-1 6 dato:2026-11-20 Igen om aftenen", "AB-1 7 b:8 Tog selv bussen",
		"AB-2 -1 dato:2026-11-21 Svært",
		"revider AB-1 +1 fortsættes borger:ja Går godt",
	} {
		if out := e.do("anna", "#slusen", cmd); !bytes.Contains([]byte(out), []byte("✅")) {
			t.Fatalf("%q: %s", cmd, out)
		}
	}
	r := e.chartOf("anna", "#slusen", "graf AB-1")
	contains(t, r.Text(), "Grafen for *AB-1*")
	if len(r.Files) != 1 {
		t.Fatalf("files = %d: %s", len(r.Files), r.Text())
	}
	if w, h := pngSize(t, r.Files[0].Data); w != chart.Width || h != chart.Height {
		t.Errorf("goal chart %dx%d", w, h)
	}

	// All active goals on one page, AB-3 without entries among them.
	r = e.chartOf("anna", "#slusen", "graf ab")
	contains(t, r.Text(), "Graferne for *AB*'s 3 aktive mål er sendt til dig på én side")
	if len(r.Files) != 1 {
		t.Fatalf("files = %d: %s", len(r.Files), r.Text())
	}
	if w, h := pngSize(t, r.Files[0].Data); w != chart.Width || h != chart.CitizenHeight(3) {
		t.Errorf("borger page %dx%d, want %dx%d", w, h, chart.Width, chart.CitizenHeight(3))
	}
	contains(t, commands.Reply{Blocks: r.FilesDone(context.Background(), false, e.now)}.Text(), "kunne ikke sende graferne for *AB*")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'citizen.chart' AND allowed AND ref = 'AB'`); n != 1 {
		t.Errorf("citizen.chart audits = %d", n)
	}
	// In English.
	contains(t, e.chartOf("anna", "#slusen", "chart AB").Text(), "The charts of *AB*'s 3 active goals")
}

// TestChartRefusals: each refusal says why and changes nothing but the
// access log.
func TestChartRefusals(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "AB-1 5 Godt")
	before := e.count(`SELECT count(*) FROM entries`) + e.count(`SELECT count(*) FROM goals`)
	contains(t, e.do("anna", "#slusen", "graf"), "mål-ref (fx *AB-1*) for ét mål, eller et alias")
	contains(t, e.do("anna", "#slusen", "graf AB-1 AB-2"), "mål-ref (fx *AB-1*) for ét mål, eller et alias")
	contains(t, e.do("anna", "#slusen", "graf ZZ"), "ingen borger")
	contains(t, e.do("anna", "#slusen", "graf AB-9"), "intet mål")
	contains(t, e.do("bo", "#andet", "graf AB"), "ingen borger")
	contains(t, e.do("bo", "#andet", "graf AB-1"), "intet mål")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'citizen.chart' AND NOT allowed AND actor = 'bo'`); n != 1 {
		t.Errorf("refused citizen.chart audits of bo = %d, want 1", n)
	}
	if after := e.count(`SELECT count(*) FROM entries`) + e.count(`SELECT count(*) FROM goals`); after != before {
		t.Errorf("rows changed: %d → %d", before, after)
	}
}
