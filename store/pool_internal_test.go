package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestWithParam(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u@h/db", "postgres://u@h/db?k=v"},
		{"postgresql://u@h/db?sslmode=disable", "postgresql://u@h/db?sslmode=disable&k=v"},
		{"host=/tmp dbname=x", "host=/tmp dbname=x k=v"},
		{"postgres://u@h/db?k=w", "postgres://u@h/db?k=w"}, // the URL's own setting wins
		{"", ""},
	} {
		if got := withParam(c.in, "k", "v"); got != c.want {
			t.Errorf("withParam(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// database/sql's Scan errors quote the value they could not convert; safe
// leaves it out.
func TestSafeHidesScannedValues(t *testing.T) {
	err := fmt.Errorf("sql: Scan error on column index %d, name %q: %w", 2, "note",
		errors.New(`converting driver.Value type []uint8 ("HEMMELIG note") to a int64: invalid syntax`))
	if got := safe(err).Error(); strings.Contains(got, "HEMMELIG") {
		t.Errorf("safe(%v) = %q; want the value left out", err, got)
	}
	if got := wrap("find entry", err).Error(); strings.Contains(got, "HEMMELIG") {
		t.Errorf("wrap = %q; want the value left out", got)
	}
}
