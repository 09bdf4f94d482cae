// Package bot holds the transports that carry commands to and from people:
// the local shell, and (with their issues) Slack over Socket Mode and over
// signed HTTP. Each turns what arrives into a commands.Request and renders
// the commands.Reply in its own medium.
package bot

import (
	"cmp"
	"context"
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
	s = unmark(s)
	if strings.IndexByte(s, '&') >= 0 {
		s = unescape.Replace(s)
	}
	return s
}

var (
	markupRe  = regexp.MustCompile(`<([^<>]+)>`)
	messageUn = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// unmark removes mrkdwn's emphasis and code marks, and nothing else.
func unmark(s string) string {
	if strings.IndexByte(s, '*') >= 0 {
		s = boldRe.ReplaceAllString(s, "$1")
	}
	if strings.IndexByte(s, '`') >= 0 {
		s = codeRe.ReplaceAllString(s, "$1")
	}
	if strings.IndexByte(s, '_') >= 0 {
		s = italicRe.ReplaceAllString(s, "$1$2")
	}
	return s
}

// messageText is a Slack message's text as a person reads it, for a note:
// a mention as @name, a link as its text (or its address), a channel as
// #name, @here and @channel as words, and the escapes undone.
func (b *Bot) messageText(ctx context.Context, s string) string {
	s = markupRe.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		target, label, _ := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			if label == "" {
				label = b.Slack.Name(ctx, target[1:])
			}
			return "@" + cmp.Or(label, target[1:])
		case strings.HasPrefix(target, "#"):
			return "#" + cmp.Or(label, target[1:])
		case strings.HasPrefix(target, "!"):
			word, _, _ := strings.Cut(target[1:], "^")
			if word == "date" {
				return label
			}
			return "@" + strings.TrimPrefix(cmp.Or(label, word), "@")
		default:
			return cmp.Or(label, strings.TrimPrefix(target, "mailto:"))
		}
	})
	return messageUn.Replace(s)
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
