package commands

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// Cells that Excel would read as a formula (=, +, -, @, tab, CR first) are
// written with a leading apostrophe, as OWASP recommends; numbers, such
// as GAS levels −2…+2 and scores, stay numbers.
func TestCSVFormulaInjection(t *testing.T) {
	in := []string{`=HYPERLINK("https://evil.example","Klik")`, "+SUM(A1:A9)", "-2+3", "@cmd", "\tTab", "\rCR",
		"-2", "+1", "0", "7", "-1,5", "Tog selv bussen", "a=b"}
	want := []string{`'=HYPERLINK("https://evil.example","Klik")`, "'+SUM(A1:A9)", "'-2+3", "'@cmd", "'\tTab", "'CR", // encoding/csv drops a lone CR when it writes CRLF
		"-2", "+1", "0", "7", "-1,5", "Tog selv bussen", "a=b"}
	out := danishCSV([][]string{in})
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 1 {
		t.Fatalf("CSV %q: %v", out, err)
	}
	for i := range want {
		if rows[0][i] != want[i] {
			t.Errorf("cell %q written as %q, want %q", in[i], rows[0][i], want[i])
		}
	}
}
