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
// Slack over a WebSocket, so it needs no public URL. Every envelope is
// acknowledged; a slash command's answer rides on its acknowledgement
// when it is ready in time.
type Socket struct {
	Bot *Bot
}

// drainFor bounds how long a shutdown waits for the commands in flight to
// be answered over the connection.
const drainFor = 5 * time.Second

// Run connects and serves envelopes until ctx is done. On shutdown it
// keeps the connection until the commands in flight are answered (their
// acknowledgements need it), then closes it.
func (s *Socket) Run(ctx context.Context) error {
	client := socketmode.New(s.Bot.Slack.api)
	conn, closeConn := context.WithCancel(context.WithoutCancel(ctx))
	defer closeConn()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(conn) }()
	var inflight sync.WaitGroup
	for {
		select {
		case <-ctx.Done():
			drained := make(chan struct{})
			go func() { inflight.Wait(); close(drained) }()
			timeout := time.After(drainFor)
		drain:
			for {
				select {
				case <-drained:
					break drain
				case <-timeout:
					s.Bot.Log.Warn("socket mode closed with commands in flight")
					break drain
				case ev := <-client.Events:
					if ev.Request != nil && ev.Request.EnvelopeID != "" {
						client.Ack(*ev.Request) // shutting down: take nothing new
					}
				case <-errc:
					return nil
				}
			}
			time.Sleep(100 * time.Millisecond) // let the last acknowledgements leave
			closeConn()
			<-errc
			return nil
		case err := <-errc:
			return err
		case ev := <-client.Events:
			s.handle(ctx, client, ev, &inflight)
		}
	}
}

func (s *Socket) handle(ctx context.Context, client *socketmode.Client, ev socketmode.Event, inflight *sync.WaitGroup) {
	log := s.Bot.Log
	switch ev.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := ev.Data.(slack.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		if sc.TeamID != s.Bot.Slack.TeamID {
			log.Warn("envelope refused: another workspace")
			client.Ack(*ev.Request)
			return
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			ctx := context.WithoutCancel(ctx)
			reply := s.Bot.Command(ctx, sc)
			if reply == nil || len(reply.Blocks) == 0 {
				client.Ack(*ev.Request) // the answer follows through response_url, or a form opened
				return
			}
			if err := client.Ack(*ev.Request, Ephemeral(*reply)); err != nil {
				// Too large to ride on the acknowledgement.
				client.Ack(*ev.Request)
				if err := s.Bot.Slack.Respond(ctx, sc.ResponseURL, *reply); err != nil {
					log.Error("answer not sent", "user", sc.UserID, "err", err)
				}
			}
		}()
	case socketmode.EventTypeEventsAPI:
		if ev.Request != nil {
			client.Ack(*ev.Request)
		}
		if e, ok := ev.Data.(slackevents.EventsAPIEvent); ok {
			if e.TeamID != s.Bot.Slack.TeamID {
				log.Warn("envelope refused: another workspace")
				return
			}
			s.Bot.Event(ctx, e)
		}
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		if cb.Team.ID != s.Bot.Slack.TeamID {
			log.Warn("envelope refused: another workspace")
			client.Ack(*ev.Request)
			return
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			if resp := s.Bot.Interaction(context.WithoutCancel(ctx), cb); resp != nil {
				client.Ack(*ev.Request, resp)
				return
			}
			client.Ack(*ev.Request)
		}()
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
			client.Ack(*ev.Request)
		}
	}
}
