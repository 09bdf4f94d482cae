package bot

import (
	"context"

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

// Run connects and serves envelopes until ctx is done.
func (s *Socket) Run(ctx context.Context) error {
	client := socketmode.New(s.Bot.Slack.api)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case ev := <-client.Events:
			s.handle(ctx, client, ev)
		}
	}
}

func (s *Socket) handle(ctx context.Context, client *socketmode.Client, ev socketmode.Event) {
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
		go func() {
			reply := s.Bot.Command(ctx, sc)
			if reply == nil {
				client.Ack(*ev.Request) // the answer follows through response_url
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
			log.Debug("event acknowledged", "type", e.InnerEvent.Type)
		}
	case socketmode.EventTypeInteractive:
		if ev.Request != nil {
			client.Ack(*ev.Request)
		}
	case socketmode.EventTypeConnected:
		log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		log.Error("socket mode connection failed", "type", ev.Type)
	default:
		if ev.Request != nil && ev.Request.EnvelopeID != "" {
			client.Ack(*ev.Request)
		}
	}
}
