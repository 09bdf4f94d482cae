package reminders

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"smallgoals"
)

// Outbox is where every message a job sends is claimed and recorded;
// *store.DB is one.
type Outbox interface {
	// Claimable returns which of keys of kind may be claimed at at.
	Claimable(ctx context.Context, kind string, keys []string, at time.Time) (map[string]bool, error)
	// Claim claims one message; ok false when it is someone else's or done.
	Claim(ctx context.Context, c smallgoals.OutboxClaim) (attempt int, ok bool, err error)
	// Record records how a claimed send went, with its audit events and
	// what it put in Slack, in one transaction.
	Record(ctx context.Context, d smallgoals.Delivered) error
	// Undelivered counts the ambiguous and given-up messages claimed
	// since, by kind and status.
	Undelivered(ctx context.Context, since time.Time) (map[[2]string]int, error)
}

// Kinds of message, and how a send went.
const (
	kindReminderDM = "reminder_dm"
	kindDigest     = "digest"
	KindNotice     = "notice" // a notice to coordinators (commands.NoticeKey)

	statusSent      = "sent"
	statusFailed    = "failed"    // definitely not sent: tried again later
	statusAmbiguous = "ambiguous" // may have been sent: never sent again
	statusGivenUp   = "given_up"  // failed, and its window or its tries are over
)

// Retries of a definitely failed send: after 5 minutes, then twice as long
// each time up to an hour, at most maxAttempts tries, and never past the
// message's window (its day, its week).
const (
	firstRetry  = 5 * time.Minute
	lastRetry   = time.Hour
	maxAttempts = 8
	// lease is how long a claim is its claimer's alone: longer than any
	// send takes (Slack calls time out after 20 s, 429s are waited out a
	// few times), so only a claimer that died loses it.
	lease = 10 * time.Minute
)

// actions are the audit actions of the kinds of message.
var actions = map[string]string{
	kindReminderDM: smallgoals.ActReminderSend,
	kindDigest:     smallgoals.ActDigestSend,
	KindNotice:     smallgoals.ActNoticeSend,
}

// message is one composed message of a job, ready to send: to whom (a
// user or a channel), about which borgere, and how; send returns what it
// put in Slack.
type message struct {
	kind, key string
	windowEnd time.Time
	to        string
	team      int64 // audited when about names no borger (a digest in counts)
	about     []smallgoals.About
	send      func(ctx context.Context) (smallgoals.Sent, error)
}

// audit is the message's audit events at at: one for each borger it
// names, or one for its team when it names none (a digest in counts).
func (m message) audit(at time.Time) []smallgoals.AuditEvent {
	ev := func(a smallgoals.About) smallgoals.AuditEvent {
		e := smallgoals.AuditEvent{At: at, Actor: smallgoals.ActorSystem, Action: actions[m.kind], GoalID: a.GoalID,
			Ref: a.Ref, Allowed: true, Recipient: m.to}
		if a.TeamID != 0 {
			e.TeamID = &a.TeamID
		}
		if a.CitizenID != 0 {
			e.CitizenID = &a.CitizenID
		}
		return e
	}
	if len(m.about) == 0 {
		return []smallgoals.AuditEvent{ev(smallgoals.About{TeamID: m.team})}
	}
	out := make([]smallgoals.AuditEvent, len(m.about))
	for i, a := range m.about {
		out[i] = ev(a)
	}
	return out
}

// delivery is the one routine every job sends through (design.md §5): the
// job plans what is due and composes it, asking claimable first so it
// composes only what it may send; then each message is claimed by its
// unique key, sent with no lock held, classified (sent, failed,
// ambiguous) and recorded.
type delivery struct {
	outbox Outbox
	log    *slog.Logger
}

// Deliverer is the delivery routine for messages a transport sends at
// once but that must go out once all the same — the notices to
// coordinators: it claims by key, sends, classifies and records; a
// failed one is tried again by the reminder job.
type Deliverer struct {
	Outbox Outbox
	Log    *slog.Logger
}

// Deliver sends a message of kind under key to a user or channel through
// the routine at at, unless it was sent or is being sent; about are the
// borgere it names (audited, and linked to what send put in Slack). It
// returns the send's status, "" when the message was not this caller's
// to send.
func (d Deliverer) Deliver(ctx context.Context, kind, key string, windowEnd, at time.Time, to string, about []smallgoals.About,
	send func(ctx context.Context) (smallgoals.Sent, error)) (string, error) {
	m := message{kind: kind, key: key, windowEnd: windowEnd, to: to, about: about, send: send}
	return delivery{outbox: d.Outbox, log: d.Log}.deliver(ctx, m, at)
}

// claimable returns which of the keys may be sent at at.
func (d delivery) claimable(ctx context.Context, kind string, keys []string, at time.Time) (map[string]bool, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	return d.outbox.Claimable(ctx, kind, keys, at)
}

// deliver claims, sends, classifies and records m at at (the job's clock).
// It returns "" when m was not claimed (someone else's, or done).
func (d delivery) deliver(ctx context.Context, m message, at time.Time) (string, error) {
	attempt, ok, err := d.outbox.Claim(ctx, smallgoals.OutboxClaim{Kind: m.kind, Key: m.key, At: at, Lease: lease, WindowEnd: m.windowEnd})
	if err != nil || !ok {
		return "", err
	}
	claims.WithLabelValues(m.kind).Inc()
	if attempt > 1 {
		retries.WithLabelValues(m.kind).Inc()
	}
	// No lock is held while Slack is called: the claim is committed.
	sent, err := m.send(ctx)
	status, retryAt := outcome(err, attempt, at, m.windowEnd)
	sends.WithLabelValues(m.kind, status).Inc()
	if status != statusSent {
		d.log.Error("message not sent", "kind", m.kind, "key", m.key, "status", status, "attempt", attempt)
	}
	rec := smallgoals.Delivered{Kind: m.kind, Key: m.key, Status: status, At: at, RetryAt: retryAt, Sent: sent}
	if status == statusSent || status == statusAmbiguous {
		// What may have reached Slack is audited: the access log errs on
		// the side of telling.
		rec.Audit = m.audit(at)
	}
	// Recorded even when the job is being stopped: the send has happened.
	return status, d.outbox.Record(context.WithoutCancel(ctx), rec)
}

// outcome classifies a send's error: sent; ambiguous (Slack may have it);
// or failed, with the time to try again, or given up when that is past
// the window or the tries are used up.
func outcome(err error, attempt int, at, windowEnd time.Time) (string, *time.Time) {
	var amb interface{ Ambiguous() bool }
	switch {
	case err == nil:
		return statusSent, nil
	case errors.As(err, &amb) && amb.Ambiguous():
		return statusAmbiguous, nil
	}
	wait := firstRetry << min(attempt-1, 10)
	next := at.Add(min(wait, lastRetry))
	if attempt >= maxAttempts || !next.Before(windowEnd) {
		return statusGivenUp, nil
	}
	return statusFailed, &next
}

// undeliveredFor is how far back the operator's gauge of messages that
// did not go out for sure looks.
const undeliveredFor = 30 * 24 * time.Hour

// report sets the gauge of messages that did not go out for sure (each
// was logged with its key when recorded), for an operator to look into.
func (d delivery) report(ctx context.Context, at time.Time) {
	counts, err := d.outbox.Undelivered(ctx, at.Add(-undeliveredFor))
	if err != nil {
		d.log.Warn("undelivered messages not counted", "err", err)
		return
	}
	for _, kind := range []string{kindReminderDM, kindDigest, KindNotice} {
		for _, status := range []string{statusAmbiguous, statusGivenUp} {
			undelivered.WithLabelValues(kind, status).Set(float64(counts[[2]string{kind, status}]))
		}
	}
}
