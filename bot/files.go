package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"smallgoals"
	"smallgoals/commands"
)

// FileLog remembers the files the bot sent, so they can be deleted when
// they expire or their citizen is erased, and the replies it left as DMs,
// and forgets the messages it deleted; *store.DB is one.
type FileLog interface {
	RecordFile(ctx context.Context, f smallgoals.FileRecord) error
	RecordPost(ctx context.Context, kind string, at time.Time, citizens []int64, p smallgoals.Posted) error
	ForgetFile(ctx context.Context, id string) error
	ForgetPost(ctx context.Context, p smallgoals.Posted) error
}

// DefaultFileTTL is how long a file the bot sent stays in Slack.
const DefaultFileTTL = 72 * time.Hour

func fileRecord(id string, f commands.File, now time.Time, ttl time.Duration) smallgoals.FileRecord {
	r := smallgoals.FileRecord{ID: id, Name: f.Name, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if f.TeamID != 0 {
		r.TeamID = &f.TeamID
	}
	if f.CitizenID != 0 {
		r.CitizenID = &f.CitizenID
	}
	return r
}

// SendFile uploads a file to a user's DM and returns its Slack file ID.
// A 429 is waited out a few times, as retryLimited does.
func (s *Slack) SendFile(ctx context.Context, user string, f commands.File) (string, error) {
	var waited time.Duration
	var ch *slack.Channel
	err := s.retryLimited(ctx, "conversations.open", &waited, func() error {
		var err error
		ch, _, _, err = s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: conversations.open: %w", err)
	}
	return s.upload(ctx, ch.ID, f, &waited)
}

// upload shares a file in a channel and returns its Slack file ID. A 429
// is tried again as retryLimited does; one that lasts is a definite
// failure (Slack shared nothing), other errors are classified.
func (s *Slack) upload(ctx context.Context, channel string, f commands.File, waited *time.Duration) (string, error) {
	var sum *slack.FileSummary
	err := s.retryLimited(ctx, "files.upload", waited, func() error {
		var err error
		sum, err = s.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(f.Data), FileSize: len(f.Data), Filename: f.Name, Title: f.Title, Channel: channel,
		})
		return err
	})
	if _, limited := retryAfter(err); limited {
		return "", fmt.Errorf("bot: files.upload: %w", err)
	}
	if err != nil {
		return "", s.classify("files.upload", err)
	}
	return sum.ID, nil
}

// DeleteFile deletes a file the bot sent; one already gone counts as deleted.
func (s *Slack) DeleteFile(ctx context.Context, id string) error {
	err := s.api.DeleteFileContext(ctx, id)
	var api slack.SlackErrorResponse
	if errors.As(err, &api) && (api.Err == "file_not_found" || api.Err == "file_deleted") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bot: files.delete: %w", err)
	}
	return nil
}

// sendFiles sends a reply's files to the user's DM, recording each one
// sent, and stops at the first that does not go. It returns the reply as
// it must read now (see filesDone).
func (b *Bot) sendFiles(ctx context.Context, user string, r commands.Reply) commands.Reply {
	ttl := b.FileTTL
	if ttl <= 0 {
		ttl = DefaultFileTTL
	}
	sent := true
	for _, f := range r.Files {
		id, err := b.Slack.SendFile(ctx, user, f)
		if err != nil {
			b.Log.ErrorContext(ctx, "file not sent", "user", user, "err", err)
			sent = false
			break
		}
		if b.FileLog != nil {
			if err := b.FileLog.RecordFile(ctx, fileRecord(id, f, b.now(), ttl)); err != nil {
				b.Log.ErrorContext(ctx, "file not recorded", "file", id, "err", err)
			}
		}
	}
	return filesDone(ctx, r, sent, b.now().Add(ttl))
}

// filesDone is a reply once its files were tried: it says what its
// FilesDone says, and counts as failed if a file did not reach the user.
func filesDone(ctx context.Context, r commands.Reply, sent bool, expires time.Time) commands.Reply {
	if r.FilesDone != nil {
		r.Blocks = r.FilesDone(ctx, sent, expires)
	}
	if !sent {
		r.Outcome = "failed"
	}
	return r
}

// forgetWithin bounds how long an erasure deletes from Slack before it
// answers; what is left is pending, for the housekeeping job.
const forgetWithin = 20 * time.Second

// forget deletes from Slack the messages and files the bot sent before
// (an erasure), and their records, and returns the reply as it must read
// now (its ForgetDone). What Slack does not delete — it fails, limits the
// rate, or the time is up — stays recorded as due, and the housekeeping
// job tries it again.
func (b *Bot) forget(ctx context.Context, r commands.Reply) commands.Reply {
	ctx, cancel := context.WithTimeout(ctx, forgetWithin)
	defer cancel()
	var d commands.Deletions
	stop := false // Slack limits the rate, or the time is up: leave the rest
	try := func(what string, del func() error) bool {
		if stop || ctx.Err() != nil {
			return false
		}
		err := del()
		if err == nil {
			return true
		}
		if _, limited := retryAfter(err); limited {
			stop = true
		}
		b.Log.WarnContext(ctx, what+" not deleted from Slack; the housekeeping job tries again", "err", err)
		return false
	}
	for _, p := range r.Unpost {
		if !try("message", func() error { return b.Slack.DeleteMessage(ctx, p) }) {
			d.MessagesPending++
			continue
		}
		if b.FileLog != nil {
			if err := b.FileLog.ForgetPost(context.WithoutCancel(ctx), p); err != nil {
				b.Log.ErrorContext(ctx, "deleted message still recorded; the housekeeping job forgets it", "err", err)
			}
		}
		d.Messages++
	}
	for _, id := range r.Forget {
		if !try("file", func() error { return b.Slack.DeleteFile(ctx, id) }) {
			d.FilesPending++
			continue
		}
		if b.FileLog != nil {
			if err := b.FileLog.ForgetFile(context.WithoutCancel(ctx), id); err != nil {
				b.Log.ErrorContext(ctx, "deleted file still recorded; retention forgets it", "file", id, "err", err)
			}
		}
		d.Files++
	}
	if r.ForgetDone != nil {
		r.Blocks = r.ForgetDone(d)
	}
	b.refreshHomes(ctx, r.ErasedFrom)
	return r
}

// refreshHomes refreshes the App Homes an erasure from the team of
// channel may have left showing the borger (ErasedHomes).
func (b *Bot) refreshHomes(ctx context.Context, channel string) {
	if b.Homes == nil || channel == "" {
		return
	}
	users, err := ErasedHomes(ctx, b.Homes, b.Slack, channel, b.Log)
	if err != nil {
		b.Log.ErrorContext(ctx, "App Homes not refreshed after an erasure", "err", err)
		return
	}
	for _, u := range users {
		// The database says they have a Home: so it is, even before this
		// replica hears that they opened it (refreshHome would skip it).
		b.home.add(u)
		b.refreshHome(ctx, u)
	}
}

// ErasedHomes returns the users whose App Home may show a borger erased
// from the team of channel, in the view Slack keeps until it is published
// again: those with an App Home kept fresh who are in the channel. Only
// the team's: views.publish and the lookups behind a Home are
// rate-limited, and a workspace may have thousands of Homes. Without s (no
// bot token), or should Slack not say who is in the channel, every user
// with an App Home.
func ErasedHomes(ctx context.Context, homes HomeStore, s *Slack, channel string, log *slog.Logger) ([]string, error) {
	users, err := homes.ListHomes(ctx)
	if err != nil || s == nil {
		return users, err
	}
	members, err := s.List(ctx, nil, smallgoals.Team{ChannelID: channel})
	if err != nil {
		log.WarnContext(ctx, "the team's members not known after an erasure: every App Home refreshed", "err", err)
		return users, nil
	}
	return slices.DeleteFunc(users, func(u string) bool { return !slices.Contains(members, u) }), nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9ÆØÅæøå._-]+`)

// writeFile writes a file into dir under a name of its own and returns the
// path, one token without spaces.
func writeFile(dir string, f commands.File) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	base := unsafeName.ReplaceAllString(f.Name, "_")
	ext := filepath.Ext(base)
	stem := base[:len(base)-len(ext)]
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		path := filepath.Join(dir, name)
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = fh.Write(f.Data)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		return path, err
	}
}

// LocalFiles deletes files the shell wrote.
type LocalFiles struct{}

// DeleteFile removes a file; one already gone counts as deleted.
func (LocalFiles) DeleteFile(_ context.Context, path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// PostFile shares a file in a channel and returns its Slack file ID.
func (s *Slack) PostFile(ctx context.Context, channel string, f commands.File) (string, error) {
	var waited time.Duration
	return s.upload(ctx, channel, f, &waited)
}

// IsPrivate reports whether only staff can read a channel: it is private
// (conversations.info) and every member is staff — no guest, nobody from
// another organisation (a Slack Connect channel), who would read what is
// posted there (the digest's aliases and figures) though the bot answers
// them nothing.
func (s *Slack) IsPrivate(ctx context.Context, channel string) (bool, error) {
	ch, err := s.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if err != nil {
		return false, fmt.Errorf("bot: conversations.info: %w", err)
	}
	if !ch.IsPrivate && !ch.IsIM && !ch.IsMpIM {
		return false, nil
	}
	_, others, err := s.channelPeople(ctx, channel)
	return err == nil && others == 0, err
}

// PostFile writes a file into FilesDir and prints its path.
func (s *Shell) PostFile(_ context.Context, _ string, f commands.File) (string, error) {
	dir := s.FilesDir
	if dir == "" {
		dir = "smallgoals-files"
	}
	path, err := writeFile(dir, f)
	if err != nil {
		return "", err
	}
	s.write("📎 " + path + "\n\n")
	return path, nil
}

// IsPrivate is true: in the shell every channel counts as private.
func (s *Shell) IsPrivate(context.Context, string) (bool, error) { return true, nil }
