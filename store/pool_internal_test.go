package store

import "testing"

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
