package slackcheck

import "strings"

// Live returns the live control sequences in text, in order: the <…> forms
// Slack turns into broadcasts and special tokens (<!channel>, <!here>,
// <!everyone>, <!subteam^…>, <!date^…>), user mentions (<@U…>, <@W…>),
// channel links (<#C…>) and links (<http…>, <mailto:…>); minus those whose
// target is in allowed. An allowed entry is a sequence as the bot writes it,
// "<@UANNA>" or "<https://example.com>"; a label after "|" is ignored on both
// sides, so "<@UANNA>" allows "<@UANNA|anna>".
//
// Text escaped as Slack asks (&lt; &gt; &amp;) holds no sequence. The
// sequences are those of https://docs.slack.dev/messaging/formatting-message-text;
// Slack parses them in a message's top-level text and in mrkdwn text objects,
// verbatim or not, and not in plain_text.
func Live(text string, allowed ...string) []string {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[target(strings.TrimSuffix(strings.TrimPrefix(a, "<"), ">"))] = true
	}
	var live []string
	for i := 0; i < len(text); {
		if text[i] != '<' {
			i++
			continue
		}
		end := strings.IndexAny(text[i+1:], "<>")
		if end < 0 {
			break
		}
		end += i + 1
		if text[end] == '<' { // "<<@U1>": the sequence starts at the last '<'
			i = end
			continue
		}
		inner := text[i+1 : end]
		if isLive(inner) && !ok[target(inner)] {
			live = append(live, text[i:end+1])
		}
		i = end + 1
	}
	return live
}

// target is a sequence's inside without its label: "@U1" for "@U1|anna".
func target(inner string) string {
	t, _, _ := strings.Cut(inner, "|")
	return t
}

func isLive(inner string) bool {
	for _, p := range []string{"!", "@U", "@W", "#C"} {
		if strings.HasPrefix(inner, p) {
			return true
		}
	}
	lower := strings.ToLower(inner)
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// Fallback reports the live control sequences in a message's top-level text,
// the notification and screen-reader text, other than those in allowed (see
// Live): one violation at path "text" for each.
func Fallback(text string, allowed ...string) error {
	c := newChecker(inMessage)
	c.live("text", text, allowed)
	return c.err()
}

// MessageLive reports the live control sequences, other than those in
// allowed, in a message payload's top-level text and in every mrkdwn text
// object of its blocks, each at its path. It does not check the payload's
// limits (Message does); it reports only a payload it cannot read.
func MessageLive(payload []byte, allowed ...string) error {
	c := newChecker(inMessage)
	c.message(payload)
	texts := c.mrkdwn
	c.errs = onlyUnreadable(c.errs)
	for _, t := range texts {
		c.live(t.path, t.text, allowed)
	}
	return c.err()
}

func (c *checker) live(path, text string, allowed []string) {
	for _, s := range Live(text, allowed...) {
		c.add(path, "live control sequence %s", s)
	}
}

// onlyUnreadable keeps the violations that say a payload is not JSON.
func onlyUnreadable(errs []error) []error {
	var out []error
	for _, e := range errs {
		if v, ok := e.(*Violation); ok && strings.HasPrefix(v.Msg, "not JSON") {
			out = append(out, e)
		}
	}
	return out
}
