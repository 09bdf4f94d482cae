package commands

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"smallgoals"
)

func TestParse(t *testing.T) {
	cases := []struct {
		text string
		cmd  *command
		lang string
		args []string
		opts map[string]string
		err  string
	}{
		{text: "", cmd: cmdHelp},
		{text: "  ", cmd: cmdHelp},
		{text: "hjælp", cmd: cmdHelp, lang: "da"},
		{text: "HJÆLP", cmd: cmdHelp, lang: "da"},
		{text: "help", cmd: cmdHelp, lang: "en"},
		{text: "team", cmd: cmdTeam},
		{text: "team opret Slusen Vest", cmd: cmdTeamCreate, lang: "da", args: []string{"Slusen", "Vest"}},
		{text: "Team Create", cmd: cmdTeamCreate, lang: "en"},
		{text: "borger ny ab", cmd: cmdCitizenAdd, lang: "da", args: []string{"ab"}},
		{text: "citizen add AB", cmd: cmdCitizenAdd, lang: "en", args: []string{"AB"}},
		{text: "borgere", cmd: cmdCitizens, lang: "da"},
		{text: "plan AB Klare sig", cmd: cmdPlan, args: []string{"AB", "Klare", "sig"}},
		{text: "ny AB Tage bussen frist:1.12.2026 hver:14", cmd: cmdNew, lang: "da",
			args: []string{"AB", "Tage", "bussen"}, opts: map[string]string{"due": "1.12.2026", "every": "14"}},
		{text: "new AB Take MÅL:3 the bus", cmd: cmdNew, lang: "en",
			args: []string{"AB", "Take", "the", "bus"}, opts: map[string]string{"target": "3"}},
		{text: "AB-1 6 b:7 Tog selv bussen", cmd: cmdLog, args: []string{"AB-1", "6", "Tog", "selv", "bussen"},
			opts: map[string]string{"citizen": "7"}},
		{text: "ab-1 6 kl:10 dato:2026-11-20", cmd: cmdLog, args: []string{"ab-1", "6", "kl:10"},
			opts: map[string]string{"date": "2026-11-20"}},
		{text: "AB", cmd: cmdOverview, args: []string{"AB"}},
		{text: "åse", cmd: cmdOverview, args: []string{"åse"}},
		{text: "vis AB-1", cmd: cmdShow, lang: "da", args: []string{"AB-1"}},
		{text: "revider AB-1 +1 fortsættes borger:ja Gik godt", cmd: cmdRevise, lang: "da",
			args: []string{"AB-1", "+1", "fortsættes", "Gik", "godt"}, opts: map[string]string{"citizen": "ja"}},
		{text: "fortryd", cmd: cmdUndo, lang: "da"},
		{text: "undo AB-2", cmd: cmdUndo, lang: "en", args: []string{"AB-2"}},
		{text: "sprog en", cmd: cmdLang, lang: "da", args: []string{"en"}},
		{text: "AB-1", cmd: cmdShow, args: []string{"AB-1"}},
		{text: "AB-1 b:7 Tog bussen", cmd: cmdLog, args: []string{"AB-1", "Tog", "bussen"}, opts: map[string]string{"citizen": "7"}},
		{text: "AB-1 6 borger:7", cmd: cmdLog, args: []string{"AB-1", "6"}, opts: map[string]string{"citizen": "7"}},
		{text: "AB-1 6 B=7 x=y", cmd: cmdLog, args: []string{"AB-1", "6", "x=y"}, opts: map[string]string{"citizen": "7"}},
		{text: "AB-1 6 dato:i går Sent", cmd: cmdLog, args: []string{"AB-1", "6", "Sent"}, opts: map[string]string{"date": "i går"}},
		{text: "AB-1 6 dato:i Sent", cmd: cmdLog, args: []string{"AB-1", "6", "Sent"}, opts: map[string]string{"date": "i"}},
		{text: "AB-1 6 b7", err: "err.citizen_colon"},
		{text: "AB-1 6 Tog B 7", err: "err.citizen_colon"},
		{text: "AB-1 6 Tog B-linjen", cmd: cmdLog, args: []string{"AB-1", "6", "Tog", "B-linjen"}},
		{text: "AB1 5", err: "err.ref_dash"},
		{text: "AB 6", err: "err.ref_needed"},
		{text: "AB-1 6 b:", err: "err.option_empty"},
		{text: "AB-1 6 b:1 c:2", err: "err.option_twice"},
		{text: "!?", err: "err.unknown_command"},
		{text: "AB-P1", err: "err.unknown_command"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			p, perr := parse(c.text)
			if c.err != "" {
				if perr == nil || perr.msgID != c.err {
					t.Fatalf("parse(%q) = %+v, %+v; want error %s", c.text, p, perr, c.err)
				}
				return
			}
			if perr != nil {
				t.Fatalf("parse(%q): %s", c.text, perr.msgID)
			}
			if p.cmd != c.cmd || p.lang != c.lang {
				t.Fatalf("parse(%q) = %s/%q, want %s/%q", c.text, p.cmd.id, p.lang, c.cmd.id, c.lang)
			}
			if strings.Join(p.args, "|") != strings.Join(c.args, "|") {
				t.Errorf("args = %q, want %q", p.args, c.args)
			}
			if len(p.opts) != len(c.opts) {
				t.Errorf("opts = %v, want %v", p.opts, c.opts)
			}
			for k, v := range c.opts {
				if p.opts[k] != v {
					t.Errorf("opt %s = %q, want %q", k, p.opts[k], v)
				}
			}
		})
	}
}

func TestKeywordsAreReserved(t *testing.T) {
	for _, w := range []string{"hjælp", "HELP", "team", "plan", "ny", "new", "vis", "borgere", "fortryd", "frist", "koordinator", "eksport"} {
		if !reserved[smallgoals.AliasKey(w)] {
			t.Errorf("%q is not reserved", w)
		}
		if isAlias(w) {
			t.Errorf("%q taken for an alias", w)
		}
	}
	if !isAlias("AB") || !isAlias("åse2") {
		t.Error("AB and åse2 must be aliases")
	}
}

func TestEveryCommandHasHelpInBothLanguages(t *testing.T) {
	m, err := LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"da", "en"} {
		for _, c := range table {
			for _, id := range []string{"usage." + c.id, "help." + c.id} {
				if got := m.T(lang, id, "Cmd", "/maal"); got == id || got == "" || strings.Contains(got, "<no value>") {
					t.Errorf("%s: %s = %q", lang, id, got)
				}
			}
		}
	}
}

// A day as a busy shift types it, on Monday 2026-11-23.
func TestDayWord(t *testing.T) {
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	cases := map[string]string{
		"igår": "2026-11-22", "I GÅR": "2026-11-22", "i-går": "2026-11-22", "yesterday": "2026-11-22",
		"iforgårs": "2026-11-21", "i forgårs": "2026-11-21", "idag": "2026-11-23",
		"søndag": "2026-11-22", "mandag": "2026-11-16", "tuesday": "2026-11-17",
		"24.12": "2025-12-24", "24/12": "2025-12-24", "23.11.": "2026-11-23", "1.1": "2026-01-01",
		"29.2": "2024-02-29", "31.11": "", "24.12.2026": "", "i": "", "": "", "fredagen": "", "0.1": "",
	}
	for in, want := range cases {
		d, ok := dayWord(in, today)
		if got := smallgoals.FormatDate(d); ok != (want != "") || ok && got != want {
			t.Errorf("dayWord(%q) = %s, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNearest(t *testing.T) {
	for in, want := range map[string]suggestion{"hjlp": {"hjælp", "help"}, "visse": {"vis", "show"}, "shwo": {"vis", "show"},
		"fortrud": {"fortryd", "undo"}, "borgre": {"borgere", "citizens"}, "frobnicate": {"frist", "due"}} {
		if got := nearest(in); got != want {
			t.Errorf("nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrend(t *testing.T) {
	s := smallgoals.DefaultScale
	cases := []struct {
		scores []int
		want   string
	}{
		{[]int{5}, ""},
		{[]int{1, 10}, "▁█ ↗"},
		{[]int{10, 1}, "█▁ ↘"},
		{[]int{4, 6, 5, 5}, "▃▅▄▄ →"},
		{[]int{2, 3, 4, 8}, "▂▃▃▆ ↗"},
	}
	for _, c := range cases {
		if got := trend(s, c.scores); got != c.want {
			t.Errorf("trend(%v) = %q, want %q", c.scores, got, c.want)
		}
	}
	if got := trend(smallgoals.Scale{Min: -2, Max: 2}, []int{-2, 0, 2}); got != "▁▅█ ↗" {
		t.Errorf("GAS trend = %q", got)
	}
}

// FuzzParse: the parser takes any line without panicking, and what it
// returns is consistent.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "hjælp", "AB-1 6 b:7 Tog selv bussen", "ny AB x plan:AB-P1 frist:1.2.2027",
		"revider AB-1 −1 ændres næste:2027-01-01", "borger ny ÅSE", "b: : :: -", "AB-999999 +1", "\x00\xff",
		"AB-1 b:7", "AB-1 4,5 B 7", "AB-1 6 b=7 dato:i går", "AB1 5", "b 7 c8 =", "AB-1 dato:i", "frobnicate"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, perr := parse(s)
		if perr != nil {
			if perr.msgID == "" {
				t.Fatal("error without a message")
			}
			return
		}
		if p.cmd == nil || (p.cmd.run == nil && p.cmd != cmdLog) { // a score has a path of its own
			t.Fatalf("parse(%q) gave no command", s)
		}
		for i, a := range p.args {
			if strings.TrimSpace(a) != a || a == "" {
				t.Fatalf("argument %q not a word", a)
			}
			if p.cmd == cmdLog && i > 0 && citizenSpelling(p.args, i) != nil {
				t.Fatalf("parse(%q): the borger's score %q left in the note", s, a)
			}
		}
		if utf8.ValidString(s) && p.lang != "" && !smallgoals.ValidLang(p.lang) {
			t.Fatalf("language %q", p.lang)
		}
	})
}
