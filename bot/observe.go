package bot

import (
	"slices"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"smallgoals/commands"
)

// Label values of the interaction and event metrics are the bot's own
// names; anything else Slack sends is "other", so they stay few.
var (
	interactionTypes = []slack.InteractionType{slack.InteractionTypeBlockActions, slack.InteractionTypeViewSubmission,
		slack.InteractionTypeViewClosed, slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction}
	formKinds   = []string{commands.FormLog, commands.FormNew, commands.FormRevise, commands.FormEdit, commands.FormReflect}
	buttonKinds = []string{commands.ActLog, commands.ActNew, commands.ActRevise, commands.ActLang, commands.ActSnooze,
		commands.ActEdit, commands.ActReflect, commands.ActChart}
	eventTypes = []string{"app_home_opened", "url_verification"}
)

func known(v string, among []string) string {
	if slices.Contains(among, v) {
		return v
	}
	return "other"
}

// interactionLabels are an interaction's type and kind: the form
// submitted or changed, the button, the shortcut.
func interactionLabels(cb slack.InteractionCallback) (typ, kind string) {
	typ = "other"
	if slices.Contains(interactionTypes, cb.Type) {
		typ = string(cb.Type)
	}
	switch cb.Type {
	case slack.InteractionTypeViewSubmission, slack.InteractionTypeViewClosed:
		return typ, known(cb.View.CallbackID, formKinds)
	case slack.InteractionTypeBlockActions:
		if cb.View.Type == slack.VTModal {
			return typ, "form_change"
		}
		if len(cb.ActionCallback.BlockActions) > 0 {
			action, _ := readActionID(cb.ActionCallback.BlockActions[0].ActionID)
			return typ, known(action, buttonKinds)
		}
	case slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction:
		return typ, known(cb.CallbackID, []string{shortcutLog})
	}
	return typ, "other"
}

// observeInteraction records an interaction's acknowledgement, resp being
// its body; a log form's submission is a score submitted.
func observeInteraction(transport string, start time.Time, cb slack.InteractionCallback, resp any) {
	typ, kind := interactionLabels(cb)
	interactionSeconds.WithLabelValues(transport, typ, kind).Observe(time.Since(start).Seconds())
	if cb.Type == slack.InteractionTypeViewSubmission && kind == commands.FormLog {
		outcome := "closed" // saved, or answered by a message when it took too long
		if r, ok := resp.(*slack.ViewSubmissionResponse); ok && r.ResponseAction == slack.RAErrors {
			outcome = "refused"
		}
		scoreSubmissions.WithLabelValues("form", outcome).Inc()
	}
}

// observeEvent records an event's acknowledgement.
func observeEvent(transport string, start time.Time, ev slackevents.EventsAPIEvent) {
	typ := ev.Type
	if ev.Type == slackevents.CallbackEvent {
		typ = ev.InnerEvent.Type
	}
	eventSeconds.WithLabelValues(transport, known(typ, eventTypes)).Observe(time.Since(start).Seconds())
}

// observeSocket follows the Socket Mode connection's state.
func observeSocket(ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		socketConnected.Set(1)
		if c, ok := ev.Data.(*socketmode.ConnectedEvent); ok && c.ConnectionCount > 0 {
			socketReconnects.Inc()
		}
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth,
		socketmode.EventTypeDisconnect:
		socketConnected.Set(0)
	}
}
