package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"smallgoals/store/storetest"
)

// In the shell, after a few registrations: digest --once at the next
// Monday 09:00 prints the digest under → #channel with a chart path, no
// note text; a second run that week prints nothing. graf writes a PNG,
// eksport a CSV and a status page.
func TestShellDigestChartExport(t *testing.T) {
	url := storetest.URL(t)
	dir := t.TempDir()
	env := envFunc(map[string]string{"DATABASE_URL": url, "SMALLGOALS_FILES_DIR": dir})
	script := strings.Join([]string{
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB",
		"/maal ny AB Tage bussen alene", "/maal AB-1 4 b:8 HEMMELIGNOTE en",
		":user bo", "/maal AB-1 6 b:6 HEMMELIGNOTE to",
		"/maal graf AB-1", "/maal eksport AB",
	}, "\n") + "\n"
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"shell"}, env, strings.NewReader(script), &out, &errs); code != 0 {
		t.Fatalf("shell: %d %s", code, errs.String())
	}
	paths := regexp.MustCompile(`📎 (\S+)`).FindAllStringSubmatch(out.String(), -1)
	if len(paths) != 3 {
		t.Fatalf("file paths printed: %v\n%s", paths, out.String())
	}
	img, err := os.ReadFile(paths[0][1])
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != 1200 || cfg.Height != 800 {
		t.Errorf("chart %s: %v %+v", paths[0][1], err, cfg)
	}
	if csv, _ := os.ReadFile(paths[1][1]); !strings.Contains(string(csv), "HEMMELIGNOTE en") || !strings.HasSuffix(paths[1][1], ".csv") {
		t.Errorf("export CSV %s lacks the notes", paths[1][1])
	}
	// The status report is a PDF (its text is tested in commands).
	if page, _ := os.ReadFile(paths[2][1]); !bytes.HasPrefix(page, []byte("%PDF-")) || !strings.HasSuffix(paths[2][1], ".pdf") {
		t.Errorf("status report %s is not a PDF", paths[2][1])
	}

	// The digest the next Monday (today's week is the week it covers).
	monday := nextMonday(time.Now()).Format("2006-01-02") + "T09:00:00+01:00"
	var dout, derr bytes.Buffer
	if code := run(context.Background(), []string{"digest", "--once", "--at", monday}, env, nil, &dout, &derr); code != 0 {
		t.Fatalf("digest: %d %s", code, derr.String())
	}
	d := dout.String()
	for _, want := range []string{"→ #slusen", "Ugens små mål — Slusen", "I ugen: 2 registreringer fra 2 medarbejdere", "scorer forskelligt (3 point eller mere): AB-1 (personale 4 · borger 8)", "Til personalemødet", "📎 "} {
		if !strings.Contains(d, want) {
			t.Errorf("digest lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "HEMMELIG") {
		t.Errorf("note text in the digest:\n%s", d)
	}
	dout.Reset()
	run(context.Background(), []string{"digest", "--once", "--at", monday}, env, nil, &dout, &derr)
	if dout.Len() != 0 {
		t.Errorf("second digest run printed:\n%s", dout.String())
	}
}

func nextMonday(t time.Time) time.Time {
	d := t.AddDate(0, 0, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// smallgoals demo fills a database the shell then shows.
func TestDemo(t *testing.T) {
	env := envFunc(map[string]string{"DATABASE_URL": storetest.URL(t), "SMALLGOALS_FILES_DIR": t.TempDir()})
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"demo"}, env, nil, &out, &errs); code != 0 || !strings.Contains(errs.String(), "6 borgere (1 discharged)") {
		t.Fatalf("demo: %d %s", code, errs.String())
	}
	if code := run(context.Background(), []string{"demo"}, env, nil, &out, &errs); code == 0 {
		t.Error("a second demo run did not refuse")
	}
	shell := func(lines ...string) string {
		t.Helper()
		out.Reset()
		run(context.Background(), []string{"shell"}, env, strings.NewReader(":user anna\n:channel #lyngbakken\n"+strings.Join(lines, "\n")+"\n"), &out, &errs)
		return out.String()
	}
	lacks := func(got string, nots ...string) {
		t.Helper()
		for _, n := range nots {
			if strings.Contains(got, n) {
				t.Errorf("demo shell holds %q:\n%s", n, got)
			}
		}
	}
	has := func(got string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("demo shell lacks %q:\n%s", w, got)
			}
		}
	}
	got := shell("/maal borgere", "/maal AB")
	has(got, "AB · kontaktperson @anna · 3 aktive mål", "KJ", "MØ", "SL", "TR", "AB-1 Står selv op kl. 7", "seneste")
	lacks(got, "PE ·")
	// Good practice with its exceptions: one goal overdue (listed first),
	// two due this week, one waiting for the municipality.
	got = shell("/maal frist")
	has(got, "SL-1", "AB-2", "TR-2")
	if i, j := strings.Index(got, "SL-1"), strings.Index(got, "AB-2"); i < 0 || j < 0 || i > j {
		t.Errorf("the overdue SL-1 is not listed first:\n%s", got)
	}
	for _, ref := range []string{"AB-1", "AB-3", "KJ-1", "KJ-2", "MØ-2", "SL-2", "TR-1"} {
		if strings.Contains(got, ref+" ") {
			t.Errorf("%s is due, yet the demo revises it on time:\n%s", ref, got)
		}
	}
	has(shell("/maal MØ"), "afventer kommunen")
	has(shell("/maal borgere udskrevne"), "PE")
	// The coordinator's correction of a colleague's entry, and a revision
	// without the borger.
	has(shell("/maal vis AB-1"), "fortrudt af", "Skrevet på den forkerte borger")
	// borger scores beside staff scores, and a page of charts.
	has(shell("/maal graf AB"), "Graferne for AB's 3 aktive mål", "graf-AB-")
	// Themes, GAS definitions typed, the leader's figures.
	has(shell("/maal vis KJ-2"), "Mentale funktioner", "Beder selv om hjælp, før uroen bliver stor")
	ov := shell(":user dorte", "/maal overblik")
	has(ov, "Overblik", "Revideret til tiden")
	lacks(ov, "AB-", "SL-", "Tage", "budget")
	// The next digest: the overdue revision first, the reflection told of
	// without its text.
	monday := nextMonday(time.Now()).Format("2006-01-02") + "T09:00:00+01:00"
	var dout, derr bytes.Buffer
	if code := run(context.Background(), []string{"digest", "--once", "--at", monday}, env, nil, &dout, &derr); code != 0 {
		t.Fatalf("digest: %d %s", code, derr.String())
	}
	d := dout.String()
	has(d, "SL-1", "dage for sent", "refleksion er noteret", "Aktive mål efter tema: Egenomsorg 2 · Samfundsliv 2")
	lacks(d, "mere støtte til budgettet")
	if i, j := strings.Index(d, "SL-1"), strings.Index(d, "AB-2"); i < 0 || (j >= 0 && i > j) {
		t.Errorf("the digest does not list the overdue SL-1 first:\n%s", d)
	}
}
