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
		{"two spaces", "010190  1234", false},
		{"dot separator", "010190.1234", false},
		{"slash separator", "010190/1234", false},
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
