package commands

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"smallgoals"
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
	ActEdit   = "edit"   // open the edit form; Value: a goal ID
	// ActReflect opens the reflection form in the team's channel (the
	// digest's button); Value: the team ID.
	ActReflect = "reflect"
	ActChart   = "chart" // send me the goal's chart, as graf REF; Value: a goal ID
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
	// Citizens are the borgere the reply is about: those its request was
	// allowed to read or change. A copy the transport leaves in Slack (a
	// DM) is recorded with them, so that erasing one deletes it.
	Citizens []int64

	// FilesDone, when set, is called by the transport once it has tried to
	// deliver Files, with sent true if every one reached the user and when
	// the transport will remove them (zero: never). It records what counts
	// only once they did (an export) and returns the blocks to show
	// instead of Blocks: the truth about the files.
	FilesDone func(ctx context.Context, sent bool, expires time.Time) []Block

	// Unpost are messages the bot posted before, to delete from Slack
	// (an erasure).
	Unpost []smallgoals.Posted
	// ForgetDone, when set, is called by the transport once it has tried
	// to delete Forget and Unpost, with how that went. It returns the
	// blocks to show instead of Blocks: the truth about the deletions.
	ForgetDone func(d Deletions) []Block
	// ErasedFrom is an erasure's team channel: its members' App Homes may
	// show the borger, and are to be published again.
	ErasedFrom string
}

// Deletions is how deleting what the bot sent before went: how many
// messages and files are gone from Slack, and how many are left for the
// housekeeping job to try again.
type Deletions struct {
	Messages, Files               int
	MessagesPending, FilesPending int
}

// Forms a reply can ask for.
const (
	FormLog     = "log"
	FormNew     = "new"
	FormRevise  = "revise"
	FormEdit    = "edit"
	FormReflect = "reflect" // the team's reflection: text, optionally about a borger or goal
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

// Slack's layout limits, which a reply is planned against so that it is
// never cut in the middle of an item (the transport renders with them).
const (
	MaxBlockText  = 3000 // characters of text in one block
	MaxRowButtons = 25   // buttons in one row
	MessageBlocks = 50   // blocks in a message
	ViewBlocks    = 100  // blocks in a form or App Home
)

// Size is how many Block Kit blocks b renders to: a block for each part
// of its text (SplitText), and a row for each MaxRowButtons buttons —
// except one button beside a text, which rides in the text's block.
func (b Block) Size() int {
	if b.Kind == Divider {
		return 1
	}
	n := 0
	if b.Text != "" {
		n = len(SplitText(b.Text, MaxBlockText))
		if b.Kind == Header || b.Kind == Context {
			n = 1 // cut, not split
		}
	}
	switch {
	case len(b.Buttons) == 0:
	case len(b.Buttons) == 1 && n == 1 && b.Kind == Section:
	default:
		n += (len(b.Buttons) + MaxRowButtons - 1) / MaxRowButtons
	}
	return n
}

// Size is how many Block Kit blocks the reply renders to.
func (r Reply) Size() int {
	n := 0
	for _, b := range r.Blocks {
		n += b.Size()
	}
	return n
}

// Fit appends as many of items to r as fit within limit blocks (0: no
// limit), keeping reserve blocks free for what follows. When some do not
// fit, it appends more(shown) instead of the rest, which must take at
// most one block. It reports how many items it appended.
func (r *Reply) Fit(limit int, items []Block, reserve int, more func(shown int) Block) int {
	if limit <= 0 {
		r.Blocks = append(r.Blocks, items...)
		return len(items)
	}
	room := limit - r.Size() - reserve
	total := 0
	for _, it := range items {
		total += it.Size()
	}
	if total <= room {
		r.Blocks = append(r.Blocks, items...)
		return len(items)
	}
	room-- // for the line about the rest
	shown := 0
	for _, it := range items {
		if room < it.Size() {
			break
		}
		room -= it.Size()
		r.Blocks = append(r.Blocks, it)
		shown++
	}
	r.Blocks = append(r.Blocks, more(shown))
	return shown
}

// SplitText breaks s into parts of at most n characters, at line ends
// where it can: a long text becomes several blocks.
func SplitText(s string, n int) []string {
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

// withFiles attaches files about team t's borger for the user to r, whose
// last block announces them. If they do not all reach the user, that
// block reads notSent instead; if they do, a line says when they will be
// removed (files expire), so the user saves them in time.
func (c *call) withFiles(r Reply, t *smallgoals.Team, notSent string, files ...File) Reply {
	r.Files = files
	sentBlocks := r.Blocks
	notSentBlocks := append(slices.Clone(r.Blocks[:len(r.Blocks)-1]), Block{Kind: Section, Text: notSent})
	loc := t.Location()
	r.FilesDone = func(_ context.Context, sent bool, expires time.Time) []Block {
		if !sent {
			return notSentBlocks
		}
		if expires.IsZero() {
			return sentBlocks
		}
		at := expires.In(loc)
		return append(slices.Clone(sentBlocks), Block{Kind: Context, Text: c.t("files.expire", "Count", len(files),
			"Date", c.date(smallgoals.Day(at, loc)), "Time", c.h.msg.Clock(c.lang, at.Format("15:04")))})
	}
	return r
}

// Notice is a direct message the bot sends to another user.
type Notice struct {
	User  string
	Reply Reply
	// Key names the notice in the jobs' outbox (one delivery routine:
	// claimed once, tried again if Slack refused it) until Until.
	Key   string
	Until time.Time
	About smallgoals.About // the goal it names: audited, and deleted from Slack when its borger is erased
}
