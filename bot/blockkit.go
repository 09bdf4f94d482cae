package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"smallgoals/commands"
)

// Block Kit limits: a header's text, a section's text, and blocks per
// message.
const (
	maxHeader  = 150
	maxSection = 3000
	maxBlocks  = 50
)

// Blocks renders a reply as Block Kit blocks.
func Blocks(r commands.Reply) []slack.Block {
	var out []slack.Block
	for _, b := range r.Blocks {
		switch b.Kind {
		case commands.Divider:
			out = append(out, slack.NewDividerBlock())
		case commands.Header:
			out = append(out, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, cut(PlainText(b.Text), maxHeader), true, false)))
		case commands.Context:
			out = append(out, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, cut(b.Text, maxSection), false, false)))
		default:
			for _, part := range split(b.Text, maxSection) {
				out = append(out, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, part, false, false), nil, nil))
			}
		}
		if len(b.Buttons) > 0 {
			out = append(out, buttons(b.Buttons))
		}
	}
	if len(out) > maxBlocks {
		out = out[:maxBlocks]
	}
	return out
}

// buttons renders a block's buttons as an actions block. An action_id is
// the action and its value ("log:42"): unique in the view, as Slack wants.
func buttons(bs []commands.Button) slack.Block {
	var els []slack.BlockElement
	for i, b := range bs {
		if i == 25 {
			break // an actions block holds 25 elements
		}
		btn := slack.NewButtonBlockElement(b.Action+":"+b.Value, b.Value,
			slack.NewTextBlockObject(slack.PlainTextType, cut(b.Label, 75), true, false))
		if b.Primary {
			btn.Style = slack.StylePrimary
		}
		els = append(els, btn)
	}
	return slack.NewActionBlock("", els...)
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// split breaks s into parts of at most n runes, at line ends where it can.
func split(s string, n int) []string {
	var parts []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		head := string(r[:n])
		if i := strings.LastIndexByte(head, '\n'); i > 0 {
			head = head[:i]
		}
		parts = append(parts, head)
		s = strings.TrimPrefix(s[len(head):], "\n")
	}
	return append(parts, s)
}
