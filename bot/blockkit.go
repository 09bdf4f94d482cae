package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"smallgoals/commands"
)

// Block Kit limits: a header's text, a button's label.
// https://api.slack.com/reference/block-kit/blocks#header,
// https://api.slack.com/reference/block-kit/block-elements#button
const (
	maxHeader = 150
	maxLabel  = 75
)

// Blocks renders a reply as Block Kit blocks, at most limit of them
// (commands.MessageBlocks for a message, commands.ViewBlocks for App Home).
// Commands plan their replies within the limit (Reply.Fit); should one
// not, the reply is shortened between its blocks, never inside one.
func Blocks(r commands.Reply, limit int) []slack.Block {
	fits := r.Size() <= limit
	var out []slack.Block
	ids := map[string]int{} // action_ids so far: each must be unique
	for _, b := range r.Blocks {
		if !fits && len(out)+b.Size() > limit-1 {
			out = append(out, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "…", false, false)))
			break
		}
		out = append(out, block(b, ids)...)
	}
	return out
}

// actionID is a button's action_id: its action and value ("log:42"), and
// "#2", "#3" … for the same button again (a goal both due and listed).
func actionID(b commands.Button, ids map[string]int) string {
	id := b.Action + ":" + b.Value
	ids[id]++
	if n := ids[id]; n > 1 {
		id += "#" + strconv.Itoa(n)
	}
	return id
}

// readActionID splits an action_id made by actionID.
func readActionID(id string) (action, value string) {
	id, _, _ = strings.Cut(id, "#")
	action, value, _ = strings.Cut(id, ":")
	return action, value
}

// maxFallback bounds a message's top-level text, what notifications and
// screen readers show; Slack truncates it at 40,000 characters and
// advises at most 4,000 (https://api.slack.com/methods/chat.postMessage).
const maxFallback = 3000

// Fallback is a reply's top-level text: its mrkdwn without emphasis
// marks, still escaped as in its blocks, so that user-written text never
// becomes a live mention or link there either.
func Fallback(r commands.Reply) string {
	s := unmark(r.Text())
	if utf8.RuneCountInString(s) <= maxFallback {
		return s
	}
	return commands.SplitText(s, maxFallback-1)[0] + "…"
}

// block renders one block of a reply: b.Size() Block Kit blocks.
func block(b commands.Block, ids map[string]int) []slack.Block {
	var out []slack.Block
	switch {
	case b.Kind == commands.Divider:
		return []slack.Block{slack.NewDividerBlock()}
	case b.Text == "":
		// Only buttons: a text object may not be empty.
	case b.Kind == commands.Header:
		out = append(out, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, cut(PlainText(b.Text), maxHeader), true, false)))
	case b.Kind == commands.Context:
		out = append(out, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, cut(b.Text, commands.MaxBlockText), false, false)))
	default:
		parts := commands.SplitText(b.Text, commands.MaxBlockText)
		for i, part := range parts {
			var accessory *slack.Accessory
			if i == len(parts)-1 && len(parts) == 1 && len(b.Buttons) == 1 {
				accessory = slack.NewAccessory(button(b.Buttons[0], ids))
			}
			out = append(out, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, part, false, false), nil, accessory))
		}
		if len(parts) == 1 && len(b.Buttons) == 1 {
			return out
		}
	}
	for i := 0; i < len(b.Buttons); i += commands.MaxRowButtons {
		var els []slack.BlockElement
		for _, btn := range b.Buttons[i:min(i+commands.MaxRowButtons, len(b.Buttons))] {
			els = append(els, button(btn, ids))
		}
		out = append(out, slack.NewActionBlock("", els...))
	}
	return out
}

// button renders a button, with an action_id unique in the message or
// view (Slack wants them unique in their block; the bot makes sure).
func button(b commands.Button, ids map[string]int) *slack.ButtonBlockElement {
	btn := slack.NewButtonBlockElement(actionID(b, ids), b.Value,
		slack.NewTextBlockObject(slack.PlainTextType, cut(b.Label, maxLabel), true, false))
	if b.Primary {
		btn.Style = slack.StylePrimary
	}
	return btn
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
