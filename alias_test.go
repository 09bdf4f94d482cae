package smallgoals

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAliasKey(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ab", "AB"},
		{"AB", "AB"},
		{"åse", "ÅSE"},
		{"A\u030Ase", "ÅSE"},
		{"a\u030Ase", "ÅSE"},
		{"\u212Bse", "ÅSE"},
		{"\u212Aim", "KIM"},
		{"æø1", "ÆØ1"},
		{"ÆØÅ", "ÆØÅ"},
		{"b12", "B12"},
		{"\u030A", "\u030A"}, // a lone ring stays (and is never valid)
		{"o\u030A", "O\u030A"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			if got := AliasKey(tt.in); got != tt.want {
				t.Errorf("AliasKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckAlias(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"lower", "ab", "AB"},
		{"precomposed å", "åse", "ÅSE"},
		{"decomposed å", "A\u030Ase", "ÅSE"},
		{"angstrom sign", "\u212Bse", "ÅSE"},
		{"æ ø digit", "æø1", "ÆØ1"},
		{"letter then digits", "B12", "B12"},
		{"one letter", "x", "X"},
		{"trimmed", "  ab\t", "AB"},
		{"sixteen", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP"},
		{"sixteen after folding", strings.Repeat("A\u030A", 16), strings.Repeat("Å", 16)},
		{"sixteen æøå", strings.Repeat("æ", 16), strings.Repeat("Æ", 16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckAlias(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("CheckAlias(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCheckAliasRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		echo string // the "Alias" value in the error
	}{
		{"empty", "", ""},
		{"spaces only", "   ", ""},
		{"starts with digit", "1AB", "1AB"},
		{"hyphen", "A-B", "A-B"},
		{"inner space", "A B", "A B"},
		{"ä not in alphabet", "ÄB", "ÄB"},
		{"seventeen", "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPQ"},
		{"e acute", "é", "é"},
		{"lone ring", "\u030AA", "\u030AA"},
		{"o with ring", "o\u030A", "o\u030A"},
		{"dotless i", "\u0131b", "\u0131b"},
		{"long s", "\u017Fb", "\u017Fb"},
		{"fullwidth", "ＡＢ", "ＡＢ"},
		{"truncated echo", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJKLMNOPQRST"},
		{"truncated echo by runes", strings.Repeat("ø", 25), strings.Repeat("ø", 20)},
		{"cpr not echoed", "010190-1234", ""},
		{"cpr ten digits not echoed", "0101901234", ""},
		{"cpr made by truncation not echoed", "ABCDEFGHIJ01019012345", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckAlias(tt.in)
			if got != "" {
				t.Errorf("CheckAlias(%q) key = %q, want \"\"", tt.in, got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("CheckAlias(%q) error = %v, want *Error", tt.in, err)
			}
			if e.Code != EINVALID || e.MsgID != "alias.invalid" {
				t.Errorf("error = %q %q, want %q %q", e.Code, e.MsgID, EINVALID, "alias.invalid")
			}
			if v, ok := e.Data["Alias"]; !ok || v != tt.echo {
				t.Errorf("error Data[Alias] = %q (present %v), want %q", v, ok, tt.echo)
			}
		})
	}
}
