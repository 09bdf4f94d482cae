package smallgoals

import (
	"fmt"
	"testing"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want Ref
		str  string
	}{
		{"AB-1", Ref{"AB", false, 1}, "AB-1"},
		{"ab-1", Ref{"AB", false, 1}, "AB-1"},
		{"AB-P1", Ref{"AB", true, 1}, "AB-P1"},
		{"ab-p1", Ref{"AB", true, 1}, "AB-P1"},
		{"AB2-3", Ref{"AB2", false, 3}, "AB2-3"},
		{"ÅSE-P2", Ref{"ÅSE", true, 2}, "ÅSE-P2"},
		{"a\u030Ase-7", Ref{"ÅSE", false, 7}, "ÅSE-7"},
		{"æøå-10", Ref{"ÆØÅ", false, 10}, "ÆØÅ-10"},
		{"X-999999", Ref{"X", false, 999999}, "X-999999"},
		{"P-P12", Ref{"P", true, 12}, "P-P12"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseRef(tt.in)
			if !ok || got != tt.want {
				t.Fatalf("ParseRef(%q) = %+v, %v; want %+v, true", tt.in, got, ok, tt.want)
			}
			if s := got.String(); s != tt.str {
				t.Errorf("String() = %q, want %q", s, tt.str)
			}
			if again, ok := ParseRef(got.String()); !ok || again != got {
				t.Errorf("ParseRef(String()) = %+v, %v; want %+v", again, ok, got)
			}
		})
	}
}

func TestParseRefRejects(t *testing.T) {
	for _, in := range []string{
		"AB", "AB-", "-1", "AB-0", "AB-P", "AB-x", "1A-1", "AB-1-2",
		"AB-01", "AB-P01", "AB-P0", "AB-+1", "AB--1", "AB-1234567", "AB-1.5",
		"AB-PP1", "AB-Q1", "AB-1P", "ÄB-1", "ABCDEFGHIJKLMNOPQ-1",
		" AB-1", "AB-1 ", "AB -1", "AB- 1", "A B-1", "", "-", "AB-１",
	} {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			if got, ok := ParseRef(in); ok || got != (Ref{}) {
				t.Errorf("ParseRef(%q) = %+v, %v; want zero, false", in, got, ok)
			}
		})
	}
}
