package bot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chzyer/readline"

	"smallgoals"
	"smallgoals/commands"
)

// Handler answers a command; *commands.Handler is one.
type Handler interface {
	Handle(ctx context.Context, req commands.Request) commands.Reply
}

// Shell is the local transport (design.md §4.3): it reads lines from In and
// writes readable text to Out. A line starting with / is a slash command;
// ":user NAME" and ":channel NAME" switch who types and where.
type Shell struct {
	Handler Handler
	In      io.Reader
	Out     io.Writer
	Prompt  bool // print a prompt before each line (a terminal)
	// Lines, when set, reads the lines instead of In, with line editing
	// and history (readline on a terminal); it shows the prompt itself.
	Lines LineReader
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger
	Text  func(user, id string) string // the shell's own hints to user, in their language, from the message files
	// FilesDir is where files for the user are written (SMALLGOALS_FILES_DIR).
	FilesDir string
	FileLog  FileLog       // where written files are recorded; nil records nothing
	FileTTL  time.Duration // how long written files are kept; default DefaultFileTTL
	Outbox   Outbox        // where notices to others are delivered once; nil prints them straight away

	mu      sync.Mutex // Out is shared with messages sent elsewhere
	user    string
	channel string
}

// LineReader reads a line at a time with its own prompt, as
// *readline.Instance does; io.EOF (Ctrl-D) ends the input, and
// readline.ErrInterrupt (Ctrl-C) drops the line being typed.
type LineReader interface {
	Readline() (string, error)
	SetPrompt(prompt string)
}

// Run reads and answers lines until the input ends (nil) or ctx is done.
func (s *Shell) Run(ctx context.Context) error {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Text == nil {
		s.Text = func(_, id string) string { return id }
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	s.user, s.channel = "shell", "#shell"
	if s.Lines != nil {
		return s.runLines(ctx)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(s.In)
		sc.Buffer(make([]byte, 64*1024), 64*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for {
		s.prompt()
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if s.Prompt {
				s.write("\n")
			}
			return err
		case line := <-lines:
			s.line(ctx, line)
		}
	}
}

// runLines is Run with a LineReader: each line is read after the one
// before is answered, so the prompt names who types where now.
func (s *Shell) runLines(ctx context.Context) error {
	type read struct {
		line string
		err  error
	}
	next, got := make(chan struct{}), make(chan read)
	go func() {
		for range next {
			line, err := s.Lines.Readline()
			select {
			case got <- read{line, err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer close(next)
	for {
		s.Lines.SetPrompt(fmt.Sprintf("%s@%s> ", s.user, s.channel))
		select {
		case next <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case r := <-got:
			switch {
			case errors.Is(r.err, io.EOF):
				return nil
			case errors.Is(r.err, readline.ErrInterrupt): // Ctrl-C drops the line typed so far
				continue
			case r.err != nil:
				return r.err
			}
			s.line(ctx, r.line)
		}
	}
}

func (s *Shell) prompt() {
	if s.Prompt {
		s.write(fmt.Sprintf("%s@%s> ", s.user, s.channel))
	}
}

func (s *Shell) write(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	io.WriteString(s.Out, text)
}

// line answers one line of input.
func (s *Shell) line(ctx context.Context, line string) {
	line = strings.TrimSpace(line)
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
	case strings.HasPrefix(line, ":"):
		s.meta(ctx, line)
	case strings.HasPrefix(line, "/"):
		name, text, _ := strings.Cut(line, " ")
		req := commands.Request{
			UserID:      s.user,
			ChannelID:   s.channel,
			ChannelName: strings.TrimPrefix(s.channel, "#"),
			Command:     name,
			Text:        text,
			Time:        s.Now(),
		}
		r, paths := s.files(ctx, s.Handler.Handle(ctx, req))
		s.write(RenderText(r) + paths + "\n")
		for _, n := range r.Notify {
			if err := deliverNotice(ctx, s.Outbox, n, s.Now(), s.DM); err != nil {
				s.Log.Error("notice not printed", "err", err)
			}
		}
	default:
		s.write(s.Text(s.user, "shell.hint") + "\n")
	}
}

// Leaver is what a Handler may offer for ":leave": removing a user's
// stored membership of the channel's team (*commands.Handler does).
type Leaver interface {
	Leave(ctx context.Context, req commands.Request, user string) commands.Reply
}

// meta handles ":user NAME", ":channel NAME" and ":leave [NAME]".
func (s *Shell) meta(ctx context.Context, line string) {
	cmd, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	switch {
	case cmd == "user" && arg != "" && !strings.ContainsAny(arg, " \t"):
		s.user = strings.TrimPrefix(arg, "@")
	case cmd == "channel" && arg != "" && !strings.ContainsAny(arg, " \t"):
		s.channel = "#" + strings.TrimPrefix(arg, "#")
	case cmd == "leave" && !strings.ContainsAny(arg, " \t"):
		// The current user leaves the current channel's team, or NAME does.
		l, ok := s.Handler.(Leaver)
		if !ok {
			s.write(s.Text(s.user, "shell.meta") + "\n")
			return
		}
		who := s.user
		if arg != "" {
			who = strings.TrimPrefix(arg, "@")
		}
		req := commands.Request{UserID: s.user, ChannelID: s.channel, ChannelName: strings.TrimPrefix(s.channel, "#"), Time: s.Now()}
		s.write(RenderText(l.Leave(ctx, req, who)) + "\n")
	default:
		s.write(s.Text(s.user, "shell.meta") + "\n")
	}
}

// DM prints a direct message the bot sends, under "→ @name". It is
// nowhere to delete from: the zero Posted.
func (s *Shell) DM(_ context.Context, user string, r commands.Reply) (smallgoals.Posted, error) {
	s.write("→ @" + user + "\n" + RenderText(r) + "\n")
	return smallgoals.Posted{}, nil
}

// Post prints a channel post the bot sends, under "→ #channel".
func (s *Shell) Post(_ context.Context, channel string, r commands.Reply) (smallgoals.Posted, error) {
	s.write("→ #" + strings.TrimPrefix(channel, "#") + "\n" + RenderText(r) + "\n")
	return smallgoals.Posted{}, nil
}

// files writes a reply's files into FilesDir, stopping at the first that
// cannot be written, and deletes those it asks to forget; it returns the
// reply as it must read now (see filesDone) and a line per file written
// with its path.
func (s *Shell) files(ctx context.Context, r commands.Reply) (commands.Reply, string) {
	var out strings.Builder
	ttl := s.FileTTL
	if ttl <= 0 {
		ttl = DefaultFileTTL
	}
	dir := s.FilesDir
	if dir == "" {
		dir = "smallgoals-files"
	}
	sent := true
	for _, f := range r.Files {
		path, err := writeFile(dir, f)
		if err != nil {
			s.Log.Error("file not written", "err", err)
			sent = false
			break
		}
		out.WriteString("📎 " + path + "\n")
		if s.FileLog != nil {
			if err := s.FileLog.RecordFile(ctx, fileRecord(path, f, s.Now(), ttl)); err != nil {
				s.Log.Error("file not recorded", "err", err)
			}
		}
	}
	// An erasure: the files written go from disk; messages were printed,
	// none is here to delete (one posted in Slack waits for serve's
	// housekeeping job).
	d := commands.Deletions{MessagesPending: len(r.Unpost)}
	for _, path := range r.Forget {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.Log.Error("file not deleted", "err", err)
			d.FilesPending++
			continue
		}
		if s.FileLog != nil {
			s.FileLog.ForgetFile(ctx, path)
		}
		d.Files++
	}
	if r.ForgetDone != nil {
		r.Blocks = r.ForgetDone(d)
	}
	if len(r.Files) > 0 {
		r = filesDone(ctx, r, sent, s.Now().Add(ttl))
	}
	return r, out.String()
}
