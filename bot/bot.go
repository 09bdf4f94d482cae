package bot

import (
	"cmp"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"smallgoals/commands"
)

// Bot carries Slack's requests to the command handler. The HTTP and the
// Socket Mode transports share it.
type Bot struct {
	Handler Handler
	Forms   Forms // forms and App Home; nil answers without them
	Slack   *Slack
	FileLog FileLog       // where sent files are recorded; nil records nothing
	FileTTL time.Duration // how long sent files stay in Slack; default DefaultFileTTL
	Outbox  Outbox        // where notices to others are delivered once; nil sends them straight away
	Log     *slog.Logger
	// AckWithin is how long an answer may take before the request is
	// acknowledged without it; the answer then follows through
	// response_url. Slack wants the acknowledgement within 3 s.
	AckWithin time.Duration
	// HomeDelay gathers a burst of changes into one App Home refresh
	// (views.publish is rate-limited by Slack); default 500 ms.
	HomeDelay time.Duration
	// HomeRetry are the waits before an App Home refresh that failed is
	// tried again (nil: 1 s, 4 s, 10 s; Stop ends them); after them it
	// stays due for the next change or the listener's next sync.
	HomeRetry []time.Duration
	// Homes is App Home's state shared by the replicas, so that a change
	// on one refreshes an App Home opened on another; with nil, App Home
	// is published when opened and never refreshed.
	Homes HomeStore
	// MaxWork bounds the commands and form submissions being worked on at
	// once, each until its answers are sent; default DefaultMaxWork.
	// Under overload their work waits for the database or for Slack, and
	// without a bound it piles up (goroutines, memory)
	// until the process is killed: beyond it a request is answered at
	// once that the bot is busy and nothing was saved, so the user tries
	// again, instead of an acknowledgement that comes too late or not at
	// all.
	MaxWork int
	Now     func() time.Time

	late                sync.WaitGroup // answers still being worked on after their ack
	workOnce            sync.Once
	work                chan struct{} // one token per request being worked on
	stopOnce, closeOnce sync.Once
	stopped             chan struct{} // closed by Stop

	home homeState
}

// slowLimit bounds the work on one request after its acknowledgement.
const slowLimit = 60 * time.Second

func (b *Bot) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// DefaultMaxWork is MaxWork's default: far above what one replica serves
// (its database pool is 64 connections), far below what exhausts it.
const DefaultMaxWork = 2000

// take claims a place for one request's work; false when MaxWork are
// being worked on. give hands it back.
func (b *Bot) take() bool {
	b.workOnce.Do(func() { b.work = make(chan struct{}, cmp.Or(b.MaxWork, DefaultMaxWork)) })
	select {
	case b.work <- struct{}{}:
		return true
	default:
		busy.Inc()
		return false
	}
}

func (b *Bot) give() { <-b.work }

// busyReply says the bot is busy and nothing was saved.
func (b *Bot) busyReply() commands.Reply {
	text := "…"
	if b.Forms != nil {
		text = b.Forms.T("", "err.busy")
	}
	return commands.Reply{Blocks: []commands.Block{{Kind: commands.Section, Text: text}}, Command: "busy", Outcome: "refused"}
}

// Wait blocks until the answers that follow their acknowledgement are sent,
// and the Socket Mode envelopes in flight are done.
func (b *Bot) Wait() { b.late.Wait() }

// Stop tells the bot its process is stopping, before Wait: work that only
// waits to try again (an App Home refresh whose publish failed) gives up
// at once and leaves its change due for the replica that next syncs,
// instead of holding the shutdown for its retries. Answers being worked
// on still finish.
func (b *Bot) Stop() { b.closeOnce.Do(func() { close(b.stopping()) }) }

func (b *Bot) stopping() chan struct{} {
	b.stopOnce.Do(func() { b.stopped = make(chan struct{}) })
	return b.stopped
}

// pause waits d before work is tried again; an error if ctx is done or
// the bot is stopping first.
func (b *Bot) pause(ctx context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-b.stopping():
			cancel()
		case <-ctx.Done():
		}
	}()
	return sleepCtx(ctx, d)
}

// Command answers a slash command. It returns the reply if it is ready
// within AckWithin and before ctx is done; otherwise nil, and the reply
// follows through the command's response_url. ctx bounds only the wait:
// a caller that must acknowledge now (Socket Mode shutting down, an HTTP
// request Slack gave up on) still gets the command done and answered.
func (b *Bot) Command(ctx context.Context, sc slack.SlashCommand) *commands.Reply {
	ackWithin := b.AckWithin
	if ackWithin <= 0 {
		ackWithin = 2 * time.Second
	}
	start := time.Now()
	if !b.take() {
		r := b.busyReply()
		return &r
	}
	var (
		mu   sync.Mutex
		late bool
		done = make(chan commands.Reply, 1)
	)
	b.late.Add(1)
	go func() {
		defer b.late.Done()
		defer b.give()
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), slowLimit)
		defer cancel()
		req := commands.Request{
			UserID:      sc.UserID,
			ChannelID:   sc.ChannelID,
			ChannelName: sc.ChannelName,
			Command:     sc.Command,
			Text:        SlackText(sc.Text),
			Time:        b.now(),
			Locale:      b.Slack.Locale(work, sc.UserID),
			Modals:      b.Forms != nil && sc.TriggerID != "",
			MaxBlocks:   commands.MessageBlocks,
		}
		if sc.TriggerID != "" {
			req.DeliveryKey = "command:" + sc.TriggerID
		}
		r := b.Handler.Handle(work, req)
		if r.Changed && b.Forms != nil {
			b.refreshHome(work, sc.UserID)
		}
		if len(r.Notify) > 0 {
			notices := r
			b.async(work, func(ctx context.Context) { b.notify(ctx, notices) })
		}
		if len(r.Files) > 0 {
			// Sent before the answer, which tells how that went; should it
			// take longer than AckWithin, the answer follows through
			// response_url.
			r = b.sendFiles(work, sc.UserID, r)
		}
		if r.ForgetDone != nil || len(r.Forget) > 0 || len(r.Unpost) > 0 {
			// An erasure: what the bot sent about the borger goes from
			// Slack before the answer, which tells how that went, and the
			// team's App Homes are refreshed; should it take longer than
			// AckWithin, the answer follows through response_url.
			r = b.forget(work, r)
		}
		if r.Modal != nil {
			// The command asks for a form: open it; the acknowledgement
			// says nothing.
			b.openForm(work, sc.TriggerID, sc.UserID, sc.ChannelID, *r.Modal, formMeta{})
			r = commands.Reply{Command: r.Command, Outcome: "form"}
		}
		mu.Lock()
		if !late {
			done <- r
			mu.Unlock()
			return
		}
		mu.Unlock()
		if len(r.Blocks) == 0 {
			return
		}
		if err := b.Slack.Respond(work, sc.ResponseURL, r); err != nil {
			b.Log.ErrorContext(ctx, "late answer not sent", "user", sc.UserID, "err", err)
		}
	}()
	timer := time.NewTimer(ackWithin)
	defer timer.Stop()
	select {
	case r := <-done:
		observeCommand("slack", start, r.Command, outcome(r))
		return &r
	case <-timer.C:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case r := <-done:
		observeCommand("slack", start, r.Command, outcome(r))
		return &r
	default:
		late = true
		observeCommand("slack", start, "", "late")
		return nil
	}
}

// Ephemeral is a reply as the JSON body of a slash command's answer.
func Ephemeral(r commands.Reply) map[string]any {
	return map[string]any{
		"response_type": slack.ResponseTypeEphemeral,
		"text":          Fallback(r),
		"blocks":        Blocks(r, commands.MessageBlocks),
	}
}

var (
	slackMention = regexp.MustCompile(`<@([A-Z0-9]+)(?:\|[^>]*)?>`)
	slackChannel = regexp.MustCompile(`<#([A-Z0-9]+)(?:\|[^>]*)?>`)
)

// SlackText turns the text of an escaped slash command into what the
// commands read: a mention <@U123|anna> becomes @U123 (the shell's form),
// a channel <#C123|lyngen> becomes #C123, and &amp; &lt; &gt; become the
// characters typed.
func SlackText(s string) string {
	if strings.Contains(s, "<@") {
		s = slackMention.ReplaceAllString(s, "@$1")
	}
	if strings.Contains(s, "<#") {
		s = slackChannel.ReplaceAllString(s, "#$1")
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = unescape.Replace(s)
	}
	return s
}

func outcome(r commands.Reply) string {
	if r.Outcome == "" {
		return "done"
	}
	return r.Outcome
}
