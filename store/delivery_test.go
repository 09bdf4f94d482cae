package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestClaimDelivery(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	claim := func(key string) bool {
		t.Helper()
		var ok bool
		within(t, db, func(tx *store.Tx) {
			var err error
			if ok, err = tx.ClaimDelivery(ctx, key, t0); err != nil {
				t.Fatal(err)
			}
		})
		return ok
	}
	if !claim("ev-1") {
		t.Fatal("first claim of ev-1 = false")
	}
	if claim("ev-1") {
		t.Fatal("second claim of ev-1 = true")
	}
	if !claim("ev-2") {
		t.Fatal("first claim of ev-2 = false")
	}
	// A claim in a rolled back transaction leaves the key free, and a
	// refused claim keeps the transaction usable.
	rolledBack := errors.New("rolled back")
	err := attempt(db, func(tx *store.Tx) error {
		if ok, err := tx.ClaimDelivery(ctx, "ev-3", t0); err != nil || !ok {
			t.Fatalf("claim ev-3 = %v, %v", ok, err)
		}
		if ok, err := tx.ClaimDelivery(ctx, "ev-3", t0); err != nil || ok {
			t.Fatalf("claim ev-3 again in the same transaction = %v, %v", ok, err)
		}
		mkTeam(t, tx, "C1")
		return rolledBack
	})
	if err != rolledBack {
		t.Fatal(err)
	}
	if !claim("ev-3") {
		t.Fatal("claim of ev-3 after a rollback = false")
	}
	err = attempt(db, func(tx *store.Tx) error {
		_, err := tx.ClaimDelivery(ctx, strings.Repeat("k", 201), t0)
		return err
	})
	wantCode(t, err, smallgoals.EINTERNAL)
}
