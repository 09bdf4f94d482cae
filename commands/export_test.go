package commands_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smallgoals/commands"
)

func TestExportAndChart(t *testing.T) {
	e := newEnv(t)
	e.setup() // AB-1 "Tage bussen alene til arbejde"
	e.do("anna", "#slusen", "plan AB Klare sig selv på arbejdsmarkedet")
	e.do("anna", "#slusen", "ny AB Øve æøå-ord plan:1 skala:gas vægt:2 udgangspunkt:-1")
	e.do("anna", "#slusen", "gas AB-1 +1 Tager bussen alene to gange om ugen")
	e.do("anna", "#slusen", "gas AB-1 0 Tager bussen med støtte")
	e.now = e.now.AddDate(0, 0, -3)
	e.do("anna", "#slusen", "AB-1 4 b:6 Første tur; med støtte")
	e.now = e.now.AddDate(0, 0, 2)
	e.do("anna", "#slusen", "AB-1 6 b:7 Anden tur \"alene\"")
	e.do("anna", "#slusen", "AB-2 +1 b:+2 Sagde æble, øl og å")
	e.do("anna", "#slusen", "revider AB-1 +1 fortsættes borger:ja God udvikling")
	e.now = e.now.AddDate(0, 0, 1)

	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	contains(t, r.Text(), "3 registreringer og 1 revision")
	if len(r.Files) != 2 {
		t.Fatalf("files = %d", len(r.Files))
	}
	data := string(r.Files[0].Data)
	if !strings.HasPrefix(data, "\ufeff") || !strings.HasSuffix(r.Files[0].Name, ".csv") {
		t.Fatalf("CSV: %q %q", r.Files[0].Name, data[:20])
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff")))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not read back: %v", err)
	}
	// No summary row among the facts: entries, a revision, two changes.
	if len(rows) != 1+3+1+2 || rows[0][0] != "Type" || rows[0][5] != "Personale" {
		t.Fatalf("rows = %d, header %v", len(rows), rows[0])
	}
	found := map[string]bool{}
	for _, row := range rows[1:] {
		found[strings.Join(row, "|")] = true
	}
	for _, want := range []string{
		"registrering|AB-1|Tage bussen alene til arbejde||2026-11-20|4|6||||Første tur; med støtte|anna|",
		"registrering|AB-2|Øve æøå-ord|AB-P1 Klare sig selv på arbejdsmarkedet|2026-11-22|+1|+2||||Sagde æble, øl og å|anna|",
		"revision|AB-1|Tage bussen alene til arbejde||2026-11-22|||+1|fortsættes|ja|God udvikling|anna|2026-11-22 10:00:00|||||" +
			"|1–10||aktivt||E1",
		"ændring|AB-1|Tage bussen alene til arbejde||2026-11-23||||||GAS +1: før ingen, nu «Tager bussen alene to gange om ugen»|anna|" +
			"2026-11-23 10:00:00||||||1–10||aktivt||",
		"registrering|AB-2|Øve æøå-ord|AB-P1 Klare sig selv på arbejdsmarkedet|2026-11-22|+1|+2||||Sagde æble, øl og å|anna|" +
			"2026-11-22 10:00:00|nej|1||||'-2–+2||aktivt||", // a leading sign quoted against formulas (protect.go)
	} {
		ok := false
		for k := range found {
			if strings.HasPrefix(k, want) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("CSV lacks a row starting %q; rows:\n%s", want, strings.Join(keys(found), "\n"))
		}
	}
	if h := strings.Join(rows[0], "|"); !strings.HasSuffix(h, "|Skala|Målscore|Status|Tema|Udfaldskode (FSIII)") {
		t.Errorf("CSV header = %s", h)
	}
	for _, row := range rows {
		if row[0] == "GAS T-score" {
			t.Errorf("CSV mixes a summary row into the data: %v", row)
		}
	}
	// The status report: a PDF, its text as pdftotext reads it.
	if !strings.HasSuffix(r.Files[1].Name, ".pdf") || !bytes.HasPrefix(r.Files[1].Data, []byte("%PDF-")) {
		t.Fatalf("report: %q %q", r.Files[1].Name, r.Files[1].Data[:8])
	}
	report := pdfText(t, r.Files[1].Data)
	contains(t, report, "Status for AB", "Team Slusen", "AB-P1 Klare sig selv på arbejdsmarkedet", "Små mål uden handleplansmål",
		"AB-1 Tage bussen alene til arbejde", "AB-2 Øve æøå-ord", "Skala −2 til +2", "GAS-udgangspunkt -1", "vægt 2",
		"GAS-niveauer", "+1: Tager bussen alene to gange om ugen", "0: Tager bussen med støtte",
		"22.11.2026 · GAS +1 · fortsættes (E1) · borgeren deltog", "Niveauet betyder: Tager bussen alene to gange om ugen",
		"Refleksion: God udvikling", "personale 6 · borger 7",
		// One goal revised: its level, not a T-score.
		"Kun ét mål er revideret", "resultatet er blot målets GAS-niveau, +1", "50 betyder",
		"GAS +1 ændret af anna 23.11.2026", "Side 1 af")
	lacks(t, report, "GAS T-score: 60,0")
	// Exported only once the transport has delivered the files.
	if n := e.count(`SELECT count(*) FROM citizens WHERE exported_at IS NOT NULL`); n != 0 {
		t.Error("marked as exported before the files were delivered")
	}
	notSent := commands.Reply{Blocks: r.FilesDone(context.Background(), false, time.Time{})}.Text()
	contains(t, notSent, "kunne ikke sende eksporten af *AB*", "ikke markeret som eksporteret", "Prøv igen")
	lacks(t, notSent, "er sendt")
	if n := e.count(`SELECT count(*) FROM citizens WHERE exported_at IS NOT NULL`); n != 0 {
		t.Error("marked as exported though the files were not delivered")
	}
	// The user is told when Slack will remove the files, in the team's zone.
	sent := commands.Reply{Blocks: r.FilesDone(context.Background(), true, time.Date(2026, 11, 26, 9, 5, 0, 0, time.UTC))}.Text()
	contains(t, sent, "er sendt", "nu markeret som eksporteret", "Filerne slettes igen 26.11.2026 kl. 10.05. Gem dem")
	if n := e.count(`SELECT count(*) FROM citizens WHERE exported_at IS NOT NULL`); n != 1 {
		t.Error("not marked as exported once the files were delivered")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'citizen.export' AND allowed`); n != 1 {
		t.Error("export not audited")
	}
	// The erasure no longer asks to export first.
	lacks(t, e.do("anna", "#slusen", "borger slet AB"), "ikke eksporteret")

	// Two goals revised: the T-score, AB-2 weighing 2: 50 + 10·(1 + 2·2)/√(0.7·5 + 0.3·9) = 70,1.
	e.do("anna", "#slusen", "revider AB-2 +2 fortsættes borger:nej Sagde flere ord")
	r = e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	report = pdfText(t, r.Files[1].Data)
	contains(t, report, "GAS T-score: 70,1 beregnet på 2 mål (50 = som forventet)", "GAS +2 · fortsættes (E1) · uden borgeren")
	lacks(t, report, "Kun ét mål er revideret")

	// A period: only the day of the second entry.
	r = e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB 22.11.2026 22.11.2026", Time: e.now})
	contains(t, r.Text(), "2 registreringer og 1 revision")

	// The chart: a PNG of the expected size.
	r = e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "graf AB-1", Time: e.now})
	contains(t, r.Text(), "Grafen for *AB-1*")
	contains(t, commands.Reply{Blocks: r.FilesDone(context.Background(), false, time.Time{})}.Text(), "kunne ikke sende grafen for *AB-1*")
	if len(r.Files) != 1 {
		t.Fatalf("chart files = %d", len(r.Files))
	}
	img, err := png.Decode(bytes.NewReader(r.Files[0].Data))
	if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 800 {
		t.Fatalf("chart: %v %v", err, img.Bounds())
	}
	// Outsiders get neither.
	contains(t, e.do("bo", "#andet", "eksport AB"), "ingen borger")
	contains(t, e.do("bo", "#andet", "graf AB-1"), "intet mål")
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// pdfText is the text of a PDF as pdftotext (Debian's poppler-utils)
// reads it. Missing, the test fails; SMALLGOALS_ALLOW_MISSING_TOOLS=1
// makes it skip (scripts/ensure-tools, run by make test, installs it).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("SMALLGOALS_ALLOW_MISSING_TOOLS") == "1" {
			t.Skip("pdftotext missing (SMALLGOALS_ALLOW_MISSING_TOOLS=1)")
		}
		t.Fatal("pdftotext not found: install Debian's poppler-utils (scripts/ensure-tools does, as root), " +
			"or set SMALLGOALS_ALLOW_MISSING_TOOLS=1 to skip")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// A line broken by the page width reads as one.
	return strings.Join(strings.Fields(string(out)), " ")
}

// The export carries the goal's theme (CSV column and PDF) and the team's
// reflections about the borger (a CSV row and a PDF section), in the
// team's local time.
func TestExportThemeAndReflection(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "ret AB-1 tema:egenomsorg"), "✅")
	contains(t, e.do("anna", "#slusen", "AB-1 5 b:6 Tog bussen"), "✅")
	contains(t, e.do("anna", "#slusen", "refleksion om:AB Vi giver mere tid om morgenen"), "✅")
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	if len(r.Files) != 2 {
		t.Fatalf("files: %s", r.Text())
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Files[0].Data), "\ufeff")))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "Tema")
	var entry, refl []string
	for _, row := range rows[1:] {
		switch row[0] {
		case "registrering":
			entry = row
		case "refleksion":
			refl = row
		}
	}
	if col < 0 || entry == nil || entry[col] != "Egenomsorg" {
		t.Errorf("the entry's theme column: header %v, row %v", rows[0], entry)
	}
	if refl == nil || refl[10] != "Vi giver mere tid om morgenen" || !strings.HasPrefix(refl[12], "2026-11-23 10:00") {
		t.Errorf("the reflection row: %v", refl)
	}
	text := pdfText(t, r.Files[1].Data)
	for _, want := range []string{"Egenomsorg", "Teamets refleksioner", "Vi giver mere tid om morgenen"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// The status report cannot draw emoji; it writes their names instead of
// dropping them, so a reflection says in the report what was written.
func TestReportWritesEmojiAsNames(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "AB-1 5")
	e.do("anna", "#slusen", "revider AB-1 +1 fortsættes Glad 😊 og stolt 👍🏽, familien 👨‍👩‍👧 med ❤️ ✅ æøå – «ok»")
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	if len(r.Files) != 2 {
		t.Fatalf("files = %d: %s", len(r.Files), r.Text())
	}
	report := strings.Join(strings.Fields(pdfText(t, r.Files[1].Data)), " ")
	contains(t, report, "Glad [emoji: smiling face with smiling eyes] og stolt [emoji: thumbs up sign], familien "+
		"[emoji: man][emoji: woman][emoji: girl] med [emoji: heavy black heart] [emoji: white heavy check mark] æøå - «ok»") // the dash as stored: normalised
}
