package smallgoals

import (
	"fmt"
	"slices"
	"strings"
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

func TestCompareAliases(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"AB", "AB", 0},
		{"ab", "AB", 0},
		{"a\u030Ase", "ÅSE", 0},
		{"AB", "AC", -1},
		{"AB", "ABC", -1},
		{"B", "AB", 1},
		{"ZOE", "ÆBLE", -1},
		{"ÆBLE", "ØRN", -1},
		{"ØRN", "ÅSE", -1},
		{"ÅSE", "ÆBLE", 1},
		{"æble", "ZOE", 1},
		{"A1", "AA", -1},   // digits before letters
		{"A10", "A2", -1},  // digits as characters, as the database sorts
		{"AZ", "AÆ", -1},   // Æ after Z inside an alias too
		{"AÅ", "AÆ", 1},    // Å last
		{"ÅÅ", "Å", 1},     // a prefix first
		{"[", "Æ", 1},      // not an alias: never ties with Æ
		{"OLE", "ØRN", -1}, // Ø is no O
	}
	for _, tt := range tests {
		if got := CompareAliases(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareAliases(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareAliases(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareAliases(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

// TestCompareAliasesIsTheStoreOrder: for valid aliases, CompareAliases is
// the order of the store's translate(alias_key, 'ÆØÅ', '[\]') COLLATE "C".
func TestCompareAliasesIsTheStoreOrder(t *testing.T) {
	sqlOrder := strings.NewReplacer("Æ", "[", "Ø", `\`, "Å", "]")
	aliases := []string{"A", "AB", "AB2", "AB10", "A1", "ZOE", "Z9", "ÆBLE", "ØRN", "ÅSE", "ÅÅ", "OLE", "O", "ÆØÅ", "AÆ", "AZ", "Q"}
	for _, a := range aliases {
		for _, b := range aliases {
			want := strings.Compare(sqlOrder.Replace(a), sqlOrder.Replace(b))
			if got := CompareAliases(a, b); got != want {
				t.Errorf("CompareAliases(%q, %q) = %d, the store's order %d", a, b, got, want)
			}
		}
	}
}

func TestCompareRefs(t *testing.T) {
	r := func(s string) Ref {
		ref, ok := ParseRef(s)
		if !ok {
			t.Fatalf("ParseRef(%q) failed", s)
		}
		return ref
	}
	tests := []struct {
		a, b string
		want int
	}{
		{"AB-2", "AB-10", -1},
		{"AB-10", "AB-2", 1},
		{"AB-1", "AB-1", 0},
		{"ab-3", "AB-3", 0},
		{"AB-9", "B-1", -1},
		{"AB-999", "ABC-1", -1},
		{"AB-1", "AB-P1", -1}, // small goals before plan goals
		{"AB-99", "AB-P1", -1},
		{"AB-P2", "AB-P10", -1},
		{"ZOE-10", "ÆBLE-1", -1},
		{"ÆBLE-2", "ØRN-1", -1},
		{"ØRN-2", "ÅSE-1", -1},
		{"ÅSE-1", "ÆBLE-9", 1},
		{"OLE-1", "ØRN-1", -1},
	}
	for _, tt := range tests {
		if got := CompareRefs(r(tt.a), r(tt.b)); got != tt.want {
			t.Errorf("CompareRefs(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareRefs(r(tt.b), r(tt.a)); got != -tt.want {
			t.Errorf("CompareRefs(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}

	in := []string{"ÅSE-1", "AB-10", "ØRN-3", "AB-P1", "ZOE-2", "AB-2", "ÆBLE-1", "AB-1", "B-1"}
	refs := make([]Ref, len(in))
	for i, s := range in {
		refs[i] = r(s)
	}
	slices.SortFunc(refs, CompareRefs)
	var got []string
	for _, ref := range refs {
		got = append(got, ref.String())
	}
	want := []string{"AB-1", "AB-2", "AB-10", "AB-P1", "B-1", "ZOE-2", "ÆBLE-1", "ØRN-3", "ÅSE-1"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %q, want %q", got, want)
	}
}
