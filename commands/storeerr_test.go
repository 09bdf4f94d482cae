package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/store"
)

// undoRaceTx is a transaction in which another undo of the same entry
// gets in first, as when two phones send fortryd at once: the store's
// unique key on entries.replaces refuses the second with ECONFLICT.
type undoRaceTx struct{ *store.Tx }

func (tx undoRaceTx) CreateEntry(ctx context.Context, e *smallgoals.Entry) error {
	if e.Replaces != nil {
		first := *e
		if err := tx.Tx.CreateEntry(ctx, &first); err != nil {
			return err
		}
	}
	return tx.Tx.CreateEntry(ctx, e)
}

// TestStoreConflictReadsAsAMessage: an error the store returns with only
// a code reaches the user as a sentence in their language, never as the
// code or an ID.
func TestStoreConflictReadsAsAMessage(t *testing.T) {
	e := newEnv(t)
	e.setup()
	h, err := commands.New(commands.Config{Lang: "da", TZ: "Europe/Copenhagen", Scores: e.db,
		Store: commands.NewStore(func(ctx context.Context, fn func(undoRaceTx) error) error {
			return e.db.InTx(ctx, func(tx *store.Tx) error { return fn(undoRaceTx{tx}) })
		})})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ text, want string }{
		{"fortryd AB-1", "Intet er gemt"},
		{"undo AB-1", "Nothing was saved"},
	} {
		e.do("anna", "#slusen", "AB-1 6")
		out := h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: c.text, Time: e.now}).Text()
		if !strings.Contains(out, c.want) || strings.Contains(out, "conflict") || missingID.MatchString(out) {
			t.Errorf("%s: reply %q, want a message with %q", c.text, out, c.want)
		}
	}
}
