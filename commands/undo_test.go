package commands_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// entryRows is every entry row as it stands, to tell a refusal changed
// nothing.
func (e *env) entryRows() string {
	e.t.Helper()
	rows, err := e.raw.Query(`SELECT id, kind, author, coalesce(replaces, 0), encode(note, 'hex') FROM entries ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, replaces int64
		var kind, author, note string
		if err := rows.Scan(&id, &kind, &author, &replaces, &note); err != nil {
			e.t.Fatal(err)
		}
		b.WriteString(strings.Join([]string{kind, author, note}, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}

// A coordinator cancels a colleague's entry by the number vis shows, with
// a reason kept encrypted and shown with who and when; each refusal says
// why and changes nothing.
func TestCoordinatorUndo(t *testing.T) {
	e := newEnv(t)
	e.setup() // anna coordinates Slusen; AB-1
	e.do("bent", "#slusen", "AB-1 5 Første tur")
	e.do("bent", "#slusen", "AB-1 7 Anden tur")
	e.do("carl", "#andet", "team opret Andet")

	show := e.do("bent", "#slusen", "vis AB-1")
	contains(t, show, "nr. 1 · 23.11.2026 · personale 5", "nr. 2 · 23.11.2026 · personale 7")

	refused := func(user, channel, line string, wants ...string) {
		t.Helper()
		before := e.entryRows()
		out := e.do(user, channel, line)
		contains(t, out, wants...)
		if after := e.entryRows(); after != before {
			t.Errorf("%q by %s changed the entries:\n%s\n→\n%s", line, user, before, after)
		}
	}
	refused("bent", "#slusen", "fortryd AB-1 nr:1 Forkert", "Kun teamets koordinatorer kan fortryde en kollegas registrering", "fortryd AB-1")
	refused("anna", "#slusen", "fortryd AB-1 nr:9", "AB-1 har ingen registrering nr. 9", "vis AB-1")
	refused("anna", "#slusen", "fortryd AB-1 nr:x", "*nr:x*")
	refused("carl", "#andet", "fortryd AB-1 nr:1", "Der er intet mål *AB-1*")

	out := e.do("anna", "#slusen", "fortryd AB-1 nr:1 Skrevet på den forkerte borger")
	contains(t, out, "nr. 1", "*AB-1*", "5", "<@bent>", "Skrevet på den forkerte borger")
	if n := e.count(`SELECT count(*) FROM entries u JOIN entries e ON e.id = u.replaces
		WHERE u.kind = 'undo' AND u.author = 'anna' AND e.staff_score = 5 AND e.author = 'bent'`); n != 1 {
		t.Fatalf("undo rows = %d, want 1 replacing bent's first entry", n)
	}
	if reasons := storetest.Plaintexts(t, e.raw, "entries.note", `SELECT note, key_id FROM entries WHERE kind = 'undo'`); len(reasons) != 1 || reasons[0] != "Skrevet på den forkerte borger" {
		t.Fatalf("undo reasons = %q", reasons)
	}
	if n := e.count(`SELECT count(*) FROM entries WHERE position(convert_to('forkerte', 'UTF8') in note) > 0`); n != 0 {
		t.Fatal("the reason is stored in plain text")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'entry.cancel' AND actor = 'anna' AND allowed AND goal_id IS NOT NULL`); n != 1 {
		t.Fatalf("allowed cancel audit rows = %d", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'entry.cancel' AND actor = 'bent' AND NOT allowed`); n != 1 {
		t.Fatalf("refused cancel audit rows = %d", n)
	}

	show = e.do("bent", "#slusen", "vis AB-1")
	contains(t, show, "nr. 1 · 23.11.2026 · personale 5", "nr. 2 · 23.11.2026 · personale 7", "fortrudt af <@anna> 23.11.2026", "Skrevet på den forkerte borger")
	refused("anna", "#slusen", "fortryd AB-1 nr:1", "nr. 1 på *AB-1* er allerede fortrudt")

	// English, and older than 30 days.
	e.now = e.now.AddDate(0, 0, 31)
	refused("anna", "#slusen", "undo AB-1 no:2 wrong", "more than 30 days ago")
	e.now = e.now.AddDate(0, 0, -2)
	out = e.do("anna", "#slusen", "undo AB-1 no:2 wrong goal")
	contains(t, out, "no. 2", "is undone")

	// The author's own undo of the latest is as it was.
	e.do("bent", "#slusen", "AB-1 4 Tredje")
	contains(t, e.do("bent", "#slusen", "fortryd AB-1"), "Din registrering på *AB-1* er fortrudt: personale 4")

	lines, _ := exportFiles(t, e)
	contains(t, lines[0], "Nr.|Fortrudt af|Fortrudt den|Grund")
	contains(t, strings.Join(lines[1:], "\n"), "|ja|1|anna|2026-11-23 10:00:00|Skrevet på den forkerte borger", "|ja|3|bent|")
}

// exportFiles exports AB as anna: the CSV's rows, each joined by |, and
// the status page.
func exportFiles(t *testing.T, e *env) (csvLines []string, page string) {
	t.Helper()
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	if len(r.Files) != 2 {
		t.Fatalf("export sent %d files: %s", len(r.Files), r.Text())
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Files[0].Data), "\ufeff")))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		csvLines = append(csvLines, strings.Join(row, "|"))
	}
	return csvLines, pdfText(t, r.Files[1].Data)
}
