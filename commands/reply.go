package commands

import (
	"context"
	"slices"
	"strings"
)

// BlockKind says how a transport should show a block.
type BlockKind int

// Block kinds, mapped to Block Kit in Slack and to plain lines in the shell.
const (
	Section BlockKind = iota // a paragraph of mrkdwn text
	Header                   // a short title, plain text
	Context                  // small print under a section
	Divider                  // a rule
)

// Block is one part of a reply. Text is Slack mrkdwn: *bold*, _italic_,
// ~strike~, `code`, user mentions as <@USER>; user-written text in it is
// escaped with Escape.
type Block struct {
	Kind    BlockKind
	Text    string
	Buttons []Button // shown under the text, where the transport has buttons
}

// Button is an action a user can take from a reply: Action names it and
// Value carries its argument (an ID, a language).
type Button struct {
	Label   string
	Action  string
	Value   string
	Primary bool
}

// Button actions.
const (
	ActLog    = "log"    // open the log form; Value: a goal ID
	ActNew    = "new"    // open the new-goal form; Value: a citizen ID
	ActRevise = "revise" // open the revision form; Value: a goal ID
	ActLang   = "lang"   // set my language; Value: da or en
	ActSnooze = "snooze" // move a revision 7 days; Value: a goal ID
)

// Reply is what a command answers: blocks for the person who typed it,
// never visible to others (ephemeral in Slack). Modal, when set, asks a
// transport that has forms to open one instead.
type Reply struct {
	Blocks    []Block
	Files     []File   // files for the user (CSV, charts): DMs in Slack, written to disk in the shell
	Forget    []string // IDs of files the bot sent before, to delete (an erasure)
	Notify    []Notice // direct messages to others (coordinators told of a revisitation)
	Modal     *Modal
	Duplicate bool   // the request was a redelivery and had no effect
	Command   string // the command's ID (log, show, …), for metrics
	Outcome   string // done, refused or failed, for metrics
	Changed   bool   // the request changed data the user's App Home shows

	// FilesDone, when set, is called by the transport once it has tried to
	// deliver Files, with sent true if every one reached the user. It
	// records what counts only once they did (an export) and returns the
	// blocks to show instead of Blocks: the truth about the files.
	FilesDone func(ctx context.Context, sent bool) []Block
}

// Forms a reply can ask for.
const (
	FormLog    = "log"
	FormNew    = "new"
	FormRevise = "revise"
)

// Modal asks the transport to open a form, optionally with a citizen or
// a goal chosen; the transport gets its content from Handler.Form.
type Modal struct {
	Kind      string
	CitizenID int64
	GoalID    int64
}

// Text returns the reply as one mrkdwn string, the notification fallback
// of a Block Kit message.
func (r Reply) Text() string {
	var b strings.Builder
	for _, bl := range r.Blocks {
		if bl.Kind == Divider || bl.Text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(bl.Text)
	}
	return b.String()
}

func (r *Reply) add(kind BlockKind, text string) {
	r.Blocks = append(r.Blocks, Block{Kind: kind, Text: text})
}

func textReply(text string) Reply {
	return Reply{Blocks: []Block{{Kind: Section, Text: text}}}
}

// Escape makes user-written text safe inside mrkdwn: Slack reads &, < and
// > as control characters.
func Escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// File is a file sent to the user who asked. TeamID and CitizenID say whom
// it is about, so it can be deleted when it expires or the citizen is
// erased.
type File struct {
	Name      string
	Title     string
	Data      []byte
	TeamID    int64
	CitizenID int64
}

// withFiles attaches files for the user to r, whose last block announces
// them. If they do not all reach the user, that block reads notSent
// instead.
func withFiles(r Reply, notSent string, files ...File) Reply {
	r.Files = files
	sentBlocks := r.Blocks
	notSentBlocks := append(slices.Clone(r.Blocks[:len(r.Blocks)-1]), Block{Kind: Section, Text: notSent})
	r.FilesDone = func(_ context.Context, sent bool) []Block {
		if sent {
			return sentBlocks
		}
		return notSentBlocks
	}
	return r
}

// Notice is a direct message the bot sends to another user.
type Notice struct {
	User  string
	Reply Reply
}
