package reminders

import (
	"context"
	"time"

	"smallgoals"
)

// PostStore is where the messages the bot posted about borgere are
// recorded; *store.DB is one.
type PostStore interface {
	// ListUnposted lists the messages due for deletion from Slack at at.
	ListUnposted(ctx context.Context, at time.Time, limit int) ([]smallgoals.Posted, error)
	// ForgetPost drops the record of a message deleted from Slack.
	ForgetPost(ctx context.Context, p smallgoals.Posted) error
}

// Messages deletes messages the bot posted: Slack (chat.delete). A
// message already gone counts as deleted.
type Messages interface {
	DeleteMessage(ctx context.Context, p smallgoals.Posted) error
}

// UnpostResult says what a run of Unpost did.
type UnpostResult struct {
	Deleted int // messages deleted from Slack (or found gone)
	Failed  int // messages Slack did not delete: tried again next run
}

// Unpost deletes from Slack the messages about erased borgere that the
// erasure could not delete at once (Slack was down), at at, and drops
// their records; one Slack still refuses stays for the next run. Without
// Messages (the shell printed, nothing to delete) it does nothing.
func (j *Jobs) Unpost(ctx context.Context, at time.Time) (r UnpostResult, err error) {
	if j.Posts == nil || j.Messages == nil {
		return r, nil
	}
	defer func(start time.Time) { run("unpost", start, err) }(time.Now())
	ps, err := j.Posts.ListUnposted(ctx, at, fileBatch)
	if err != nil {
		return r, err
	}
	for _, p := range ps {
		if err := j.Messages.DeleteMessage(ctx, p); err != nil {
			j.Log.Warn("message of an erased borger not deleted from Slack; tried again next run", "channel", p.Channel, "ts", p.TS, "err", err)
			r.Failed++
			continue
		}
		if err := j.Posts.ForgetPost(ctx, p); err != nil {
			return r, err
		}
		r.Deleted++
	}
	if len(ps) > 0 {
		j.Log.Info("erased borgere's messages deleted from Slack", "deleted", r.Deleted, "failed", r.Failed)
	}
	return r, nil
}
