// Package bot holds the transports that carry commands to and from people:
// the local shell, and (with their issues) Slack over Socket Mode and over
// signed HTTP. Each turns what arrives into a commands.Request and renders
// the commands.Reply in its own medium.
package bot

import (
	"regexp"
	"strings"

	"smallgoals/commands"
)

var (
	mentionRe = regexp.MustCompile(`<@([^>|]+)(?:\|([^>]+))?>`)
	linkRe    = regexp.MustCompile(`<(https?://[^>|]+)\|([^>]+)>`)
	boldRe    = regexp.MustCompile(`\*([^*\n]+)\*`)
	codeRe    = regexp.MustCompile("`([^`\n]+)`")
	italicRe  = regexp.MustCompile(`(^|[\s(])_([^_\n]+)_`)
	unescape  = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// PlainText renders mrkdwn as plain text for a terminal: mentions become
// @user, emphasis and code marks go, escapes are undone.
func PlainText(s string) string {
	// Each pattern only where its mark is: most replies have few.
	if strings.Contains(s, "<@") {
		s = mentionRe.ReplaceAllStringFunc(s, func(m string) string {
			sub := mentionRe.FindStringSubmatch(m)
			if sub[2] != "" {
				return "@" + sub[2]
			}
			return "@" + sub[1]
		})
	}
	if strings.Contains(s, "<http") {
		s = linkRe.ReplaceAllString(s, "$2 ($1)")
	}
	if strings.IndexByte(s, '*') >= 0 {
		s = boldRe.ReplaceAllString(s, "$1")
	}
	if strings.IndexByte(s, '`') >= 0 {
		s = codeRe.ReplaceAllString(s, "$1")
	}
	if strings.IndexByte(s, '_') >= 0 {
		s = italicRe.ReplaceAllString(s, "$1$2")
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = unescape.Replace(s)
	}
	return s
}

// RenderText renders a reply as readable lines of plain text.
func RenderText(r commands.Reply) string {
	var b strings.Builder
	for _, bl := range r.Blocks {
		switch bl.Kind {
		case commands.Divider:
			b.WriteString("──────────\n")
		case commands.Header:
			b.WriteString("== " + PlainText(bl.Text) + " ==\n")
		case commands.Context:
			for _, line := range strings.Split(PlainText(bl.Text), "\n") {
				b.WriteString("  " + line + "\n")
			}
		default:
			b.WriteString(PlainText(bl.Text) + "\n")
		}
		if len(bl.Buttons) > 0 {
			var labels []string
			for _, btn := range bl.Buttons {
				labels = append(labels, "["+btn.Label+"]")
			}
			b.WriteString("  " + strings.Join(labels, " ") + "\n")
		}
	}
	return b.String()
}
