package store

import (
	"context"
	"time"
)

// ClaimDelivery records that the delivery with key is being acted on. It
// reports false if the key was claimed before (a redelivery); a claim by a
// transaction still open waits for it to end.
func (tx *Tx) ClaimDelivery(ctx context.Context, key string, at time.Time) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO deliveries (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, at)
	if err != nil {
		return false, wrap("claim delivery", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("claim delivery", err)
}
