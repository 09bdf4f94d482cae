package store_test

import (
	"context"
	"testing"
	"time"

	"smallgoals"
)

// A claim whose owner died is not taken over when its lease ends: the
// send may have reached Slack, so it is recorded ambiguous and never
// claimed again. A failed send is claimed again once its retry time has
// come.
func TestClaimAfterLease(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	claim := func(key string, at time.Time) (int, bool) {
		t.Helper()
		n, ok, err := e.db.Claim(ctx, smallgoals.OutboxClaim{Kind: "digest", Key: key, At: at, Lease: 10 * time.Minute, WindowEnd: t0.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return n, ok
	}
	status := func(key string) string {
		t.Helper()
		var s string
		if err := e.raw.QueryRow(`SELECT status FROM outbox WHERE kind = 'digest' AND key = $1`, key).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if n, ok := claim("dead", t0); !ok || n != 1 {
		t.Fatalf("first claim = %d, %t", n, ok)
	}
	if _, ok := claim("dead", t0.Add(5*time.Minute)); ok {
		t.Fatal("claimed again within the lease")
	}
	recovered := metric(t, "smallgoals_claims_recovered_total")
	if _, ok := claim("dead", t0.Add(11*time.Minute)); ok || status("dead") != "ambiguous" {
		t.Fatalf("after the lease of a dead owner: claimed %t, status %s; want not claimed, ambiguous", ok, status("dead"))
	}
	if d := metric(t, "smallgoals_claims_recovered_total") - recovered; d < 1 {
		t.Errorf("smallgoals_claims_recovered_total +%v, want +1", d)
	}
	if _, ok := claim("dead", t0.Add(time.Hour)); ok {
		t.Fatal("an ambiguous message was claimed again")
	}
	if u, err := e.db.Undelivered(ctx, t0); err != nil || u[[2]string{"digest", "ambiguous"}] != 1 {
		t.Fatalf("undelivered = %v, %v; want the ambiguous one", u, err)
	}

	claim("refused", t0)
	retry := t0.Add(5 * time.Minute)
	if err := e.db.Record(ctx, smallgoals.Delivered{Kind: "digest", Key: "refused", Status: "failed", At: t0, RetryAt: &retry}); err != nil {
		t.Fatal(err)
	}
	if n, ok := claim("refused", t0.Add(6*time.Minute)); !ok || n != 2 || status("refused") != "claimed" {
		t.Fatalf("a failed send after its retry time: attempt %d, claimed %t, status %s", n, ok, status("refused"))
	}
}
