package smallgoals

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestContainsCPR(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"hyphen in sentence", "Ringede 010190-1234 i dag", true},
		{"ten digits", "0101901234", true},
		{"space separator", "010190 1234", true},
		{"unicode hyphen", "010190\u20101234", true},
		{"en dash", "010190\u20131234", true},
		{"at start", "010190-1234 ringede", true},
		{"at end", "Borger: 010190-1234", true},
		{"punctuation around", "(010190-1234).", true},
		{"letters around", "cpr010190-1234x", true},
		{"second candidate valid", "320190-1234 og 311299-0000", true},
		{"31 december", "311299-9999", true},
		{"30 april", "300490-1234", true},
		{"29 feb 2000", "290200-1234", true},
		{"29 feb 1996 or 2096", "290296-1234", true},
		{"28 feb non-leap", "280201-1234", true},

		{"day 32", "320190-1234", false},
		{"day 00", "000190-1234", false},
		{"month 13", "011390-1234", false},
		{"month 00", "010090-1234", false},
		{"31 april", "310490-1234", false},
		{"29 feb 1901 or 2001", "290201-1234", false},
		{"30 feb 2000", "300200-1234", false},
		{"phone 8 digits", "Tlf 22334455", false},
		{"phone 12345678", "12345678", false},
		{"phone with country code", "+45 12 34 56 78", false},
		{"phone 99887766", "99887766", false},
		{"ten digits invalid day", "4512345678", false},
		{"score", "score 6", false},
		{"eleven digits", "12345678901", false},
		{"eleven digits, valid prefix", "01019012345", false},
		{"digit before ten", "90101901234", false},
		{"five after hyphen", "010190-12345", false},
		{"three after hyphen", "010190-123", false},
		{"seven before hyphen", "1010190-1234", false},
		{"two separators", "010190--1234", false},
		{"two spaces", "010190  1234", true},
		{"dot separator", "010190.1234", true},
		{"slash separator", "010190/1234", true},
		{"three dashes", "010190---1234", false},
		{"serial split in two", "01.01.2024 10.30", false},
		{"date then time", "den 01.01.2024 kl. 10.30-11.45", false},
		{"year then four", "1.1.2024 2025", false},
		{"date with dots", "01.01.1990", false},
		{"iso date", "2026-01-05", false},
		{"danish slash date", "1/1-1990", false},
		{"time", "kl. 10:30-11:45", false},
		{"amount", "kr. 1.234,50", false},
		{"empty", "", false},
		{"only separator", "-", false},
		{"six digits alone", "010190", false},
		{"six digits then hyphen at end", "010190-", false},
		{"trailing ascii after multibyte", "\u2013\u2013", false},

		// What a person reads as a CPR number, however it was typed
		// (issue 14): every dash and space kind, dotted and spaced dates,
		// four-digit years, other digits, invisible characters.
		{"tab", "010190\t1234", true},
		{"newline", "010190\n1234", true},
		{"nbsp", "010190\u00a01234", true},
		{"narrow nbsp", "010190\u202f1234", true},
		{"em space", "010190\u20031234", true},
		{"ideographic space", "010190\u30001234", true},
		{"em dash", "010190\u20141234", true},
		{"minus sign", "010190\u22121234", true},
		{"figure dash", "010190\u20121234", true},
		{"non-breaking hyphen", "010190\u20111234", true},
		{"small hyphen-minus", "010190\ufe631234", true},
		{"fullwidth hyphen-minus", "010190\uff0d1234", true},
		{"space dash space", "010190 - 1234", true},
		{"dotted date", "01.01.90-1234", true},
		{"dotted date, space", "01.01.90 1234", true},
		{"spaced date", "01 01 90 1234", true},
		{"four-digit year", "01-01-1990-1234", true},
		{"four-digit year, dots", "01.01.1990-1234", true},
		{"eight then four", "01011990-1234", true},
		{"twelve digits", "010119901234", true},
		{"fullwidth digits", "\uff10\uff11\uff10\uff11\uff19\uff10-\uff11\uff12\uff13\uff14", true},
		{"arabic-indic digits", "\u0660\u0661\u0660\u0661\u0669\u0660-\u0661\u0662\u0663\u0664", true},
		{"extended arabic-indic", "\u06f0\u06f1\u06f0\u06f1\u06f9\u06f0\u06f1\u06f2\u06f3\u06f4", true},
		{"devanagari", "\u0966\u0967\u0966\u0967\u096f\u0966-\u0967\u0968\u0969\u096a", true},
		{"mathematical digits", "\U0001d7ce\U0001d7cf\U0001d7ce\U0001d7cf\U0001d7d7\U0001d7ce\U0001d7cf\U0001d7d0\U0001d7d1\U0001d7d2", true},
		{"zero-width space inside", "0101\u200b90-1234", true},
		{"zero-width joiner", "010190\u200d-1234", true},
		{"soft hyphen", "010190\u00ad1234", true},
		{"word joiner", "010190\u20601234", true},
		{"bom", "\ufeff0101901234", true},
		{"bidi override", "\u202e0101901234\u202c", true},
		{"twelve digits, bad year", "010118001234", false},
		{"four-digit year, bad date", "31-04-1990-1234", false},
		{"leap day 1900", "29.02.1900-1234", false},
		{"leap day 2000", "29.02.2000-1234", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContainsCPR(tt.in); got != tt.want {
				t.Errorf("ContainsCPR(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestContainsCPREveryDate checks every day of a leap and a non-leap
// century year against the time package.
func TestContainsCPREveryDate(t *testing.T) {
	for _, year := range []int{1900, 1901, 1996, 2000, 2001, 2023} {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
			for d.Year() == year {
				s := d.Format("020106") + "-0000"
				if !ContainsCPR(s) {
					t.Errorf("ContainsCPR(%q) = false, want true", s)
				}
				d = d.AddDate(0, 0, 1)
			}
		})
	}
}

func FuzzContainsCPR(f *testing.F) {
	f.Add("Ringede i dag", uint(0), uint16(0), uint16(1234))
	f.Add("", uint(3), uint16(365), uint16(0))
	f.Add("12345678901", uint(5), uint16(59), uint16(9999))
	f.Add("æøå\u2013", uint(2), uint16(1000), uint16(42))
	f.Fuzz(func(t *testing.T, s string, pos uint, day uint16, tail uint16) {
		_ = ContainsCPR(s) // must not panic

		// A valid DDMMYY-XXXX surrounded by spaces is always found, wherever
		// it is put, even inside a multi-byte character.
		d := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day)%36525)
		cpr := fmt.Sprintf("%s-%04d", d.Format("020106"), int(tail)%10000)
		p := int(pos % uint(len(s)+1))
		in := s[:p] + " " + cpr + " " + s[p:]
		if !ContainsCPR(in) {
			t.Errorf("ContainsCPR(%q) = false after inserting %q", in, cpr)
		}
		if !ContainsCPR(strings.ReplaceAll(in, cpr, cpr[:6]+cpr[7:])) {
			t.Errorf("ContainsCPR missed the ten-digit form of %q", cpr)
		}
	})
}
