package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Socket is the transport for Slack's Socket Mode: the bot dials out to
// Slack over a WebSocket, so it needs no public URL. Every envelope it
// takes is acknowledged; a slash command's answer rides on its
// acknowledgement when it is ready in time.
type Socket struct {
	Bot *Bot
}

// drainFor bounds how long a shutdown keeps the connection for the
// acknowledgements of the envelopes in flight.
const drainFor = 5 * time.Second

// ackGrace lets the last acknowledgements leave before the connection
// closes: the client writes them from a goroutine of its own and does not
// say when they are written.
const ackGrace = 100 * time.Millisecond

// Run connects and serves envelopes until ctx is done. Then it shuts down
// without losing an envelope:
//   - It takes nothing new. An envelope that comes after ctx is done is
//     not acknowledged; Slack redelivers it on another connection (another
//     replica's) once this one is closed.
//   - A slash command in flight is acknowledged at once, without its
//     answer, which follows through its response_url (Bot.Command; Bot.Wait
//     waits for it).
//   - An interaction in flight is acknowledged when its work is done: a
//     form submission's answer is its acknowledgement.
//   - Then the connection closes, drainFor after ctx at the latest.
func (s *Socket) Run(ctx context.Context) error {
	client := socketmode.New(s.Bot.Slack.api)
	defer socketConnected.Set(0)
	conn, closeConn := context.WithCancel(context.WithoutCancel(ctx))
	defer closeConn()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(conn) }()
	var inflight sync.WaitGroup
	for {
		select {
		case <-ctx.Done():
			return s.drain(client, &inflight, closeConn, errc)
		case err := <-errc:
			return err
		case ev := <-client.Events:
			if ctx.Err() != nil {
				s.leave(ev) // both were ready: the shutdown comes first
				continue
			}
			s.handle(ctx, conn, client, ev, &inflight)
		}
	}
}

// drain keeps the connection until the envelopes in flight are
// acknowledged, leaving every new one to Slack, then closes it.
func (s *Socket) drain(client *socketmode.Client, inflight *sync.WaitGroup, closeConn context.CancelFunc, errc <-chan error) error {
	drained := make(chan struct{})
	go func() { inflight.Wait(); close(drained) }()
	closeAt := time.NewTimer(drainFor)
	defer closeAt.Stop()
	for {
		select {
		case <-drained:
			drained = nil
			closeAt.Reset(ackGrace)
		case <-closeAt.C:
			if drained != nil {
				s.Bot.Log.Warn("socket mode closed with envelopes in flight; Slack redelivers them")
			}
			closeConn()
			<-errc
			// Envelopes the client read but we never saw: unacknowledged too.
			for {
				select {
				case ev := <-client.Events:
					s.leave(ev)
				default:
					return nil
				}
			}
		case ev := <-client.Events:
			s.leave(ev)
		case <-errc:
			return nil // the connection ended by itself: nothing more can be acknowledged
		}
	}
}

// leave does not acknowledge an envelope that came during a shutdown, so
// that Slack redelivers it on another connection.
func (s *Socket) leave(ev socketmode.Event) {
	switch {
	case ev.Request != nil && ev.Request.EnvelopeID != "":
		s.Bot.Log.Info("envelope left for Slack to redeliver", "type", ev.Type, "retry", ev.Request.RetryAttempt)
	case ev.Type == socketmode.EventTypeErrorWriteFailed:
		s.Bot.Log.Error("socket mode acknowledgement not written")
	}
}

// handle takes one envelope. conn is done when the connection is closed:
// an acknowledgement after that is not sent, and is not waited on.
func (s *Socket) handle(ctx, conn context.Context, client *socketmode.Client, ev socketmode.Event, inflight *sync.WaitGroup) {
	log := s.Bot.Log
	start := time.Now()
	observeSocket(ev)
	if ev.Request != nil && ev.Request.EnvelopeID != "" {
		ctx = WithRequest(ctx, ev.Request.EnvelopeID, start) // the envelope's ID is the request's
	}
	ack := func(payload any) error {
		return client.AckCtx(conn, ev.Request.EnvelopeID, payload)
	}
	// work runs an envelope's work, counted for the drain (until it is
	// acknowledged) and for Bot.Wait (which then also covers the work it
	// starts, even after a drain that timed out).
	work := func(fn func()) {
		inflight.Add(1)
		s.Bot.late.Add(1)
		go func() {
			defer s.Bot.late.Done()
			defer inflight.Done()
			fn()
		}()
	}
	switch ev.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := ev.Data.(slack.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		if sc.TeamID != s.Bot.Slack.TeamID {
			log.WarnContext(ctx, "envelope refused: another workspace")
			ack(nil)
			return
		}
		work(func() {
			// When ctx is done, Command returns at once and the answer
			// follows through response_url: the acknowledgement must leave
			// before the connection closes.
			reply := s.Bot.Command(ctx, sc)
			if reply == nil || len(reply.Blocks) == 0 {
				ack(nil) // the answer follows through response_url, or a form opened
				return
			}
			if err := ack(Ephemeral(*reply)); err != nil {
				// Too large to ride on the acknowledgement, or the
				// connection is gone.
				ack(nil)
				s.Bot.async(ctx, func(ctx context.Context) {
					if err := s.Bot.Slack.Respond(ctx, sc.ResponseURL, *reply); err != nil {
						log.ErrorContext(ctx, "answer not sent", "user", sc.UserID, "err", err)
					}
				})
			}
		})
	case socketmode.EventTypeEventsAPI:
		if ev.Request != nil {
			ack(nil)
		}
		if e, ok := ev.Data.(slackevents.EventsAPIEvent); ok {
			if e.TeamID != s.Bot.Slack.TeamID {
				log.WarnContext(ctx, "envelope refused: another workspace")
				return
			}
			s.Bot.Event(ctx, e)
			observeEvent("socket", start, e)
		}
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		if cb.Team.ID != s.Bot.Slack.TeamID {
			log.WarnContext(ctx, "envelope refused: another workspace")
			ack(nil)
			return
		}
		work(func() {
			resp := s.Bot.Interaction(context.WithoutCancel(ctx), fromSlack(cb))
			ack(resp)
			observeInteraction("socket", start, cb, resp)
		})
	case socketmode.EventTypeConnected:
		log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		// The event's error is not logged: a dial error holds the
		// connection URL with its ticket.
		log.Error("socket mode connection failed", "type", ev.Type)
	case socketmode.EventTypeErrorWriteFailed:
		log.Error("socket mode acknowledgement not written")
	default:
		if ev.Request != nil && ev.Request.EnvelopeID != "" {
			ack(nil)
		}
	}
}
