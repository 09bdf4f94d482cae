package bot

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"smallgoals"
	"smallgoals/commands"
)

// Forms is what the bot needs of commands for forms and App Home;
// *commands.Handler is one.
type Forms interface {
	Form(ctx context.Context, req commands.Request, m commands.Modal) (commands.FormData, error)
	Submit(ctx context.Context, req commands.Request, s commands.Submission) (commands.Reply, map[string]string)
	Home(ctx context.Context, req commands.Request) (commands.Reply, bool, error)
	Lang(ctx context.Context, req commands.Request) string
	Snooze(ctx context.Context, req commands.Request, goalID int64) commands.Reply
	Chart(ctx context.Context, req commands.Request, goalID int64) commands.Reply
	T(lang, id string, kv ...any) string
	ShortDate(lang string, d time.Time) string
}

// request is the commands.Request of an interaction's user.
func (b *Bot) request(ctx context.Context, user, channel string) commands.Request {
	return commands.Request{UserID: user, ChannelID: channel, Time: b.now(), Locale: b.Slack.Locale(ctx, user), Modals: true,
		MaxBlocks: commands.MessageBlocks}
}

// langWithin bounds the language lookup before a form opens: the form
// must open within Slack's trigger window even when the database stalls.
const langWithin = 500 * time.Millisecond

// openForm opens form m for the user who triggered triggerID. The form
// opens at once, saying it is on its way, and is filled in after: Slack's
// trigger_id expires 3 seconds after the click or the command, and
// finding a user's teams may take longer.
func (b *Bot) openForm(ctx context.Context, triggerID, user, channel string, m commands.Modal, meta formMeta) {
	req := b.request(ctx, user, channel)
	lctx, cancel := context.WithTimeout(ctx, langWithin)
	lang := b.Forms.Lang(lctx, req) // the default language if the database is slow
	cancel()
	v := views{b.Forms}
	id, hash, err := b.Slack.OpenView(ctx, triggerID, v.Loading(lang, m.Kind))
	if err != nil {
		b.Log.ErrorContext(ctx, "form not opened", "form", m.Kind, "err", err)
		return
	}
	var full slack.ModalViewRequest
	if d, err := b.Forms.Form(ctx, req, m); err != nil {
		full = v.Message(lang, m.Kind, b.Forms.T(lang, "modal.failed")) // the error is logged by commands
	} else {
		meta.Channel = channel
		full = v.Modal(d, meta)
	}
	if err := b.Slack.UpdateView(ctx, id, hash, full); err != nil {
		b.Log.ErrorContext(ctx, "form not filled in", "form", m.Kind, "err", err)
	}
}

// async runs slow work after the acknowledgement, counted for shutdown.
func (b *Bot) async(ctx context.Context, fn func(ctx context.Context)) {
	b.late.Add(1)
	go func() {
		defer b.late.Done()
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), slowLimit)
		defer cancel()
		fn(work)
	}()
}

// Interaction answers a button, a form or a shortcut. It returns the body
// of the acknowledgement: nil, or a form submission's response_action.
func (b *Bot) Interaction(ctx context.Context, cb Callback) any {
	if b.Forms == nil {
		return nil
	}
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		return b.submit(ctx, cb)
	case slack.InteractionTypeBlockActions:
		c := cb // on the heap in this case only: the callback is large
		b.async(ctx, func(ctx context.Context) { b.blockActions(ctx, c) })
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		if cb.CallbackID != shortcutLog {
			return nil
		}
		// The message's text is offered as the note, used only if the
		// user ticks the box.
		meta := formMeta{Message: cut(b.messageText(ctx, cb.Message.Text), maxMetadataNote), Thread: cb.Message.ThreadTimestamp}
		if smallgoals.ContainsCPR(meta.Message) {
			// Never carried into the form (its metadata goes back to Slack).
			meta.Message, meta.MsgCPR = "", true
		}
		trigger, user, channel := cb.TriggerID, cb.User.ID, cb.Channel.ID
		b.async(ctx, func(ctx context.Context) {
			b.openForm(ctx, trigger, user, channel, commands.Modal{Kind: commands.FormLog}, meta)
		})
	}
	return nil
}

// blockActions handles buttons in messages and App Home, and the choices
// in a form that change what the form shows.
func (b *Bot) blockActions(ctx context.Context, cb Callback) {
	for _, a := range cb.ActionCallback.BlockActions {
		if cb.View.Type == slack.VTModal {
			b.formChanged(ctx, cb, a)
			continue
		}
		action, value := readActionID(a.ActionID)
		id, _ := strconv.ParseInt(value, 10, 64)
		switch action {
		case commands.ActLog:
			b.openForm(ctx, cb.TriggerID, cb.User.ID, cb.Channel.ID, commands.Modal{Kind: commands.FormLog, GoalID: id}, formMeta{})
		case commands.ActNew:
			b.openForm(ctx, cb.TriggerID, cb.User.ID, cb.Channel.ID, commands.Modal{Kind: commands.FormNew, CitizenID: id}, formMeta{})
		case commands.ActRevise:
			b.openForm(ctx, cb.TriggerID, cb.User.ID, cb.Channel.ID, commands.Modal{Kind: commands.FormRevise, GoalID: id}, formMeta{})
		case commands.ActChart:
			// As graf REF: the PNG to the user's DM, the answer where the
			// button was (a DM from App Home).
			r := b.Forms.Chart(ctx, b.request(ctx, cb.User.ID, cb.Channel.ID), id)
			if len(r.Files) > 0 {
				r = b.sendFiles(ctx, cb.User.ID, r)
			}
			b.answerButton(ctx, cb.InteractionCallback, r, "chart")
		case commands.ActEdit:
			b.openForm(ctx, cb.TriggerID, cb.User.ID, cb.Channel.ID, commands.Modal{Kind: commands.FormEdit, GoalID: id}, formMeta{})
		case commands.ActReflect:
			// The digest's button: the reflection of the channel's team.
			b.openForm(ctx, cb.TriggerID, cb.User.ID, cb.Channel.ID, commands.Modal{Kind: commands.FormReflect}, formMeta{})
		case commands.ActSnooze:
			// Once a message (or App Home as published): a double tap or a
			// click Slack sends again does nothing more.
			req := b.request(ctx, cb.User.ID, cb.Channel.ID)
			req.DeliveryKey = "button:" + a.ActionID + ":" + cb.User.ID + ":" + cmp.Or(cb.Message.Timestamp, cb.View.ID+":"+cb.View.Hash, a.ActionTs)
			b.answerButton(ctx, cb.InteractionCallback, b.Forms.Snooze(ctx, req, id), "snooze")
			b.refreshHome(ctx, cb.User.ID)
		case commands.ActLang:
			b.Handler.Handle(ctx, commands.Request{UserID: cb.User.ID, Time: b.now(), Text: "sprog " + value})
			b.homeOpened(ctx, cb.User.ID) // the button is on App Home: they have it open
			b.publishHome(ctx, cb.User.ID, "")
		}
	}
}

// ephemeral shows a reply to the user in channel (a thread of it), or in
// a DM (Slack.EphemeralIn). A DM stays in Slack: it is recorded with the
// borgere the reply is about, so that erasing one deletes it.
func (b *Bot) ephemeral(ctx context.Context, channel, thread, user string, r commands.Reply) error {
	p, err := b.Slack.EphemeralIn(ctx, channel, thread, user, r)
	if err != nil || p.TS == "" || len(r.Citizens) == 0 || b.FileLog == nil {
		return err
	}
	if err := b.FileLog.RecordPost(ctx, "reply", b.now(), r.Citizens, p); err != nil {
		b.Log.ErrorContext(ctx, "DM not recorded: erasing its borger will not delete it", "err", err)
	}
	return nil
}

// answerButton answers a button's user: through response_url in a
// message, otherwise ephemeral in the channel, or a DM (App Home).
func (b *Bot) answerButton(ctx context.Context, cb slack.InteractionCallback, r commands.Reply, what string) {
	var err error
	if cb.ResponseURL != "" {
		err = b.Slack.Respond(ctx, cb.ResponseURL, r)
	} else {
		err = b.ephemeral(ctx, cb.Channel.ID, "", cb.User.ID, r)
	}
	if err != nil {
		b.Log.ErrorContext(ctx, "button answer not sent", "button", what, "err", err)
	}
}

// formChanged updates an open form after a choice it depends on.
func (b *Bot) formChanged(ctx context.Context, cb Callback, a *slack.BlockAction) {
	meta := readMeta(cb.View.PrivateMetadata)
	m := commands.Modal{Kind: meta.Kind, CitizenID: meta.Citizen, GoalID: meta.Goal}
	switch a.ActionID {
	case "citizen":
		m.CitizenID, _ = strconv.ParseInt(a.SelectedOption.Value, 10, 64)
		m.GoalID = 0
	case "goal":
		m.GoalID, _ = strconv.ParseInt(a.SelectedOption.Value, 10, 64)
	case "outcome":
		meta.Outcome = a.SelectedOption.Value
	case "use_message":
		meta.UseMsg = len(a.SelectedOptions) > 0
	case actionTurn:
		// The staff's inputs so far ride in the metadata while the borger
		// chooses; a note that looks like it holds a CPR number does not.
		s := submission(meta, cb.Values)
		cy := &carry{Score: s.Values["score"], Citizen: s.Values["citizen_score"], Date: s.Values["date"], Note: s.Values["note"]}
		if smallgoals.ContainsCPR(cy.Note) {
			cy.Note, cy.NoteCPR = "", true
		}
		meta.Turn, meta.Carry = true, cy
	case turnBack:
		meta.Turn = false
	default:
		score, ok := strings.CutPrefix(a.ActionID, turnPrefix)
		if !ok || !meta.Turn {
			return
		}
		if meta.Carry == nil {
			meta.Carry = &carry{}
		}
		meta.Turn, meta.Carry.Citizen, meta.Carry.Chosen = false, score, true
	}
	d, err := b.Forms.Form(ctx, b.request(ctx, cb.User.ID, meta.Channel), m)
	if err != nil {
		return
	}
	meta.Citizen, meta.Goal = 0, 0
	if err := b.Slack.UpdateView(ctx, cb.View.ID, cb.View.Hash, views{b.Forms}.Modal(d, meta)); err != nil {
		b.Log.WarnContext(ctx, "form not updated", "form", meta.Kind, "err", err)
	}
}

// submit saves a form. Refusals show on their fields; success closes the
// form, confirms to the user and refreshes their App Home. Slack wants
// the answer within 3 seconds: a save that takes longer closes the form,
// and its outcome follows as a message.
func (b *Bot) submit(ctx context.Context, cb Callback) any {
	meta := readMeta(cb.View.PrivateMetadata)
	s := submission(meta, cb.Values)
	type result struct {
		reply    commands.Reply
		refusals map[string]string
	}
	if !b.take() {
		return b.refused(ctx, cb, meta, s, map[string]string{commands.GeneralField: b.busyReply().Blocks[0].Text})
	}
	var (
		mu   sync.Mutex
		late bool
		done = make(chan result, 1)
	)
	// One goroutine saves, and then confirms unless the answer was a
	// refusal. It holds its place of MaxWork until the answers are sent,
	// as a command does: confirmations waiting on a slow Slack or a full
	// CPU are bounded too.
	user, key := cb.User.ID, "view:"+cb.View.ID+":"+cb.View.Hash // not cb: it is large
	b.async(ctx, func(ctx context.Context) {
		defer b.give()
		req := b.request(ctx, user, meta.Channel)
		req.DeliveryKey = key
		reply, refusals := b.Forms.Submit(ctx, req, s)
		mu.Lock()
		if !late {
			done <- result{reply, refusals}
			mu.Unlock()
			if refusals == nil {
				b.saved(ctx, meta, user, reply)
			}
			return
		}
		mu.Unlock()
		if refusals != nil {
			lang := b.Forms.Lang(ctx, req)
			reply = commands.Reply{Blocks: []commands.Block{{Kind: commands.Section,
				Text: b.Forms.T(lang, "modal.late_refused", "Reason", firstRefusal(refusals))}}}
			if err := b.ephemeral(ctx, meta.Channel, meta.Thread, user, reply); err != nil {
				b.Log.ErrorContext(ctx, "late refusal not sent", "err", err)
			}
			return
		}
		b.saved(ctx, meta, user, reply)
	})
	ackWithin := b.AckWithin
	if ackWithin <= 0 {
		ackWithin = 2 * time.Second
	}
	timer := time.NewTimer(ackWithin)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		mu.Lock()
		select {
		case res = <-done:
			mu.Unlock()
		default:
			late = true
			mu.Unlock()
			return slack.NewClearViewSubmissionResponse()
		}
	}
	if res.refusals != nil {
		return b.refused(ctx, cb, meta, s, res.refusals)
	}
	return slack.NewClearViewSubmissionResponse()
}

// saved confirms a saved form to its user, sends its notices and
// refreshes the user's App Home; a redelivery does nothing.
func (b *Bot) saved(ctx context.Context, meta formMeta, user string, reply commands.Reply) {
	if reply.Duplicate {
		return
	}
	if err := b.ephemeral(ctx, meta.Channel, meta.Thread, user, reply); err != nil {
		b.Log.ErrorContext(ctx, "confirmation not sent", "err", err)
	}
	b.notify(ctx, reply)
	b.refreshHome(ctx, user)
}

// refused shows a form's refusals on the input blocks they are about, as
// Slack wants: a key that is no input block of the view fails the whole
// answer. A refusal whose block is not in the view shows on the first
// input; a view without inputs is replaced by the message.
func (b *Bot) refused(ctx context.Context, cb Callback, meta formMeta, s commands.Submission, refusals map[string]string) any {
	inputs := inputBlocks(cb.View)
	errs := map[string]string{}
	for field, msg := range refusals {
		id := fieldBlock(field, meta, s)
		if !slices.Contains(inputs, id) {
			if len(inputs) == 0 {
				lang := b.Forms.Lang(ctx, b.request(ctx, cb.User.ID, meta.Channel))
				m := views{b.Forms}.Message(lang, meta.Kind, msg)
				return slack.NewUpdateViewSubmissionResponse(&m)
			}
			id = inputs[0]
		}
		errs[id] = cut(PlainText(msg), 150)
	}
	return slack.NewErrorsViewSubmissionResponse(errs)
}

// inputBlocks returns the block IDs of a view's input blocks.
func inputBlocks(v slack.View) []string {
	var ids []string
	for _, bl := range v.Blocks.BlockSet {
		if in, ok := bl.(*slack.InputBlock); ok {
			ids = append(ids, in.BlockID)
		}
	}
	return ids
}

// firstRefusal is the text of one refusal, for a message.
func firstRefusal(refusals map[string]string) string {
	for _, k := range slices.Sorted(maps.Keys(refusals)) {
		return refusals[k]
	}
	return ""
}

// publishHome publishes the user's App Home and reports whether it did (or
// had); eventID, if set, makes a redelivered app_home_opened publish
// nothing more.
//
// A change counted while a view is rendered and published gets a publish
// of its own, which may reach Slack first and then be overwritten by the
// older view (an erased borger shown again). So the changes counted are
// read before rendering and again after Slack took the view; if they
// moved, the view is rendered and published again, here, without counting
// a change: a count would fall inside another publish's window and make
// it publish again too, without end while Slack is slow.
func (b *Bot) publishHome(ctx context.Context, user, eventID string) bool {
	before, counted := b.homeChanges(ctx, user)
	for again := 0; ; again++ {
		req := b.request(ctx, user, "")
		req.MaxBlocks = commands.ViewBlocks
		if eventID != "" && again == 0 {
			req.DeliveryKey = "event:" + eventID
		}
		r, fresh, err := b.Forms.Home(ctx, req)
		if err != nil {
			return false // logged by commands
		}
		if !fresh {
			return true // a redelivered event: published already
		}
		if err := b.Slack.PublishHome(ctx, user, views{b.Forms}.Home(r)); err != nil {
			b.Log.ErrorContext(ctx, "home not published", "err", err)
			return false
		}
		after, ok := b.homeChanges(ctx, user)
		if !counted || !ok || after == before || again == maxRepublish {
			return true
		}
		before = after // what the next rendering starts from
	}
}

// maxRepublish bounds how often publishHome renders a Home again because
// changes came in while it published: changes that keep coming each get a
// publish of their own.
const maxRepublish = 3

// homeChanges returns the changes counted to user's App Home; false
// without a HomeStore, or when the database did not say.
func (b *Bot) homeChanges(ctx context.Context, user string) (int64, bool) {
	if b.Homes == nil {
		return 0, false
	}
	n, err := b.Homes.FindHomeChanges(ctx, user)
	if err != nil {
		b.Log.WarnContext(ctx, "App Home changes not read", "err", err)
		return 0, false
	}
	return n, true
}

// Event handles an Events API event; only app_home_opened has an effect.
func (b *Bot) Event(ctx context.Context, ev slackevents.EventsAPIEvent) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || b.Forms == nil {
		return
	}
	if home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok && home.Tab == "home" {
		b.async(ctx, func(ctx context.Context) {
			b.homeOpened(ctx, home.User)
			if !b.publishHome(ctx, home.User, cb.EventID) {
				// Tried again like any refresh (and its view, should Slack
				// have taken it after all, published over).
				b.refreshHome(ctx, home.User)
			}
		})
	}
}

// notify sends a reply's notices to their users as DMs.
func (b *Bot) notify(ctx context.Context, r commands.Reply) {
	for _, n := range r.Notify {
		if err := deliverNotice(ctx, b.Outbox, n, b.now(), b.Slack.DM); err != nil {
			b.Log.ErrorContext(ctx, "notice not sent", "user", n.User, "err", err)
		}
	}
}

// Outbox sends a message once through the jobs' delivery routine
// (reminders.Deliverer): claimed by key, and tried again by the reminder
// job when Slack refused it.
type Outbox interface {
	Deliver(ctx context.Context, kind, key string, windowEnd, at time.Time, to string, about []smallgoals.About,
		send func(ctx context.Context) (smallgoals.Sent, error)) (string, error)
}

// deliverNotice DMs a notice through o — audited, and recorded so that
// erasing its borger deletes it — or straight away without one (or
// without a key).
func deliverNotice(ctx context.Context, o Outbox, n commands.Notice, at time.Time,
	dm func(ctx context.Context, user string, r commands.Reply) (smallgoals.Posted, error)) error {
	if o == nil || n.Key == "" {
		_, err := dm(ctx, n.User, n.Reply)
		return err
	}
	send := func(ctx context.Context) (smallgoals.Sent, error) {
		p, err := dm(ctx, n.User, n.Reply)
		if err != nil || p.TS == "" {
			return smallgoals.Sent{}, err
		}
		return smallgoals.Sent{Posts: []smallgoals.Posted{p}}, nil
	}
	_, err := o.Deliver(ctx, "notice", n.Key, n.Until, at, n.User, about(n), send)
	return err // a refused send is recorded, and tried again by the job
}

// about names the borger of a notice, if it says.
func about(n commands.Notice) []smallgoals.About {
	if n.About.CitizenID == 0 {
		return nil
	}
	return []smallgoals.About{n.About}
}
