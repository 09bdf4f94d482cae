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
	}
	if len(out) > maxBlocks {
		out = out[:maxBlocks]
	}
	return out
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
