package store

import (
	"context"
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

// The quick path has its own connections, which plan its statement once;
// the other connections plan as PostgreSQL chooses. Together they stay
// within MaxConns.
func TestQuickPool(t *testing.T) {
	db, _ := OpenTest(t)
	ctx := context.Background()
	var quick, general string
	if err := db.quick.db.QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&quick); err != nil {
		t.Fatal(err)
	}
	if err := db.db.QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&general); err != nil {
		t.Fatal(err)
	}
	if quick != "force_generic_plan" || general != "auto" {
		t.Errorf("plan_cache_mode: quick %q, general %q; want force_generic_plan, auto", quick, general)
	}
	if q, g := db.quick.db.Stats().MaxOpenConnections, db.db.Stats().MaxOpenConnections; q != 2 || g != 8 {
		t.Errorf("connections: quick %d, general %d; want 2 and 8 of MaxConns 10", q, g)
	}
}
