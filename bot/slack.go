package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"smallgoals"
	"smallgoals/commands"
)

// ErrAmbiguous means a post may or may not have reached Slack: the
// connection failed after the request was sent. It is never re-posted
// blindly; the caller records it. Its Ambiguous method lets packages that
// do not import bot recognise it.
var ErrAmbiguous error = ambiguous{}

type ambiguous struct{}

func (ambiguous) Error() string   { return "bot: the post's outcome is unknown" }
func (ambiguous) Ambiguous() bool { return true }

// Slack is the bot's side of Slack's Web API: the one client, the one
// outbound path (rate-limited per channel, 429 honoured), and the
// membership of team channels.
type Slack struct {
	api  *slack.Client
	http *http.Client
	// apiURL and token are for the calls the bot makes itself (callJSON).
	apiURL, token string
	log           *slog.Logger
	now           func() time.Time
	sleep         func(ctx context.Context, d time.Duration) error

	TeamID       string // the workspace, learned from auth.test
	EnterpriseID string // its Enterprise Grid organisation, if any (auth.test)
	BotUserID    string

	mu        sync.Mutex
	nextPost  map[string]time.Time // per channel: when the next post may go
	channels  map[string]cached[map[string]bool]
	userChans map[string]cached[userChans] // per user: the channels they are in
	users     map[string]cached[userInfo]
}

type cached[T any] struct {
	val     T
	expires time.Time
}

type userInfo struct {
	guest    bool
	bot      bool
	external bool // of another organisation: a Slack Connect member (see ours)
	locale   string
	name     string // the name others see
}

// staff reports whether the user may be on a team: a full member of the
// bot's own organisation, not a guest and not a bot.
func (u userInfo) staff() bool { return !u.guest && !u.bot && !u.external }

// ours reports whether a user is of the bot's own organisation: its
// workspace, or another workspace of its Enterprise Grid organisation.
// A Slack Connect channel also holds members of other organisations; they
// may write in a team's channel, but they are not its staff. Slack marks
// some of them strangers; the others have a team of their own. A user
// without a team_id (never from Slack itself) counts as the workspace's.
func (s *Slack) ours(u *slack.User) bool {
	switch {
	case u.IsStranger:
		return false
	case u.TeamID == "" || u.TeamID == s.TeamID:
		return true
	}
	return s.EnterpriseID != "" && u.Enterprise.EnterpriseID == s.EnterpriseID
}

// Cache lifetimes. Both decide who may see what, so neither is trusted
// for long: someone removed from a team's channel loses access within
// membersTTL, someone made a guest within usersTTL (a user's kind comes
// with their locale from users.info).
const (
	membersTTL = 30 * time.Second
	usersTTL   = 60 * time.Second
	postGap    = time.Second // Slack allows about one message a second per channel
	maxRetries = 5
)

// NewSlack returns a client for the Web API at apiURL (Slack's own, or a
// local fake in tests). appToken is only needed for Socket Mode.
func NewSlack(botToken, appToken, apiURL string, log *slog.Logger) *Slack {
	// Keep connections to Slack open for reuse: at a shift change every
	// form saved is a confirmation posted, and Go's default keeps two idle
	// connections a host, so the rest would each dial anew.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	hc := &http.Client{Timeout: 20 * time.Second, Transport: countingTransport{tr}}
	opts := []slack.Option{slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	return &Slack{
		api:       slack.New(botToken, opts...),
		http:      hc,
		apiURL:    apiURL,
		token:     botToken,
		log:       log,
		now:       time.Now,
		sleep:     sleepCtx,
		nextPost:  map[string]time.Time{},
		channels:  map[string]cached[map[string]bool]{},
		userChans: map[string]cached[userChans]{},
		users:     map[string]cached[userInfo]{},
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Connect checks the token with auth.test and learns the workspace.
func (s *Slack) Connect(ctx context.Context) error {
	r, err := s.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("bot: auth.test: %w", err)
	}
	s.TeamID, s.EnterpriseID, s.BotUserID = r.TeamID, r.EnterpriseID, r.UserID
	return nil
}

// Post sends a reply to a channel (or a DM channel) and returns where
// Slack keeps it. It waits its turn for the channel, retries after
// Retry-After on 429, and returns ErrAmbiguous when it cannot know
// whether the message went out.
func (s *Slack) Post(ctx context.Context, channel string, r commands.Reply) (smallgoals.Posted, error) {
	for attempt := 0; ; attempt++ {
		if err := s.wait(ctx, channel); err != nil {
			return smallgoals.Posted{}, err
		}
		ch, ts, err := s.api.PostMessageContext(ctx, channel,
			slack.MsgOptionText(Fallback(r), false), slack.MsgOptionBlocks(Blocks(r, commands.MessageBlocks)...))
		var rl *slack.RateLimitedError
		switch {
		case err == nil:
			return smallgoals.Posted{Channel: cmp.Or(ch, channel), TS: ts}, nil
		case errors.As(err, &rl) && attempt < maxRetries:
			s.log.WarnContext(ctx, "slack rate limited", "method", "chat.postMessage", "retry_after", rl.RetryAfter)
			s.hold(channel, rl.RetryAfter)
			continue
		}
		return smallgoals.Posted{}, s.classify("chat.postMessage", err)
	}
}

// DM sends a reply to a user in a direct message and returns where Slack
// keeps it.
func (s *Slack) DM(ctx context.Context, user string, r commands.Reply) (smallgoals.Posted, error) {
	ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return smallgoals.Posted{}, fmt.Errorf("bot: conversations.open: %w", err)
	}
	return s.Post(ctx, ch.ID, r)
}

// DeleteMessage deletes a message the bot posted (chat.delete); one
// already gone counts as deleted.
func (s *Slack) DeleteMessage(ctx context.Context, p smallgoals.Posted) error {
	_, _, err := s.api.DeleteMessageContext(ctx, p.Channel, p.TS)
	var api slack.SlackErrorResponse
	if errors.As(err, &api) && api.Err == "message_not_found" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bot: chat.delete: %w", err)
	}
	return nil
}

// Respond answers a slash command later, through its response_url,
// visible only to the user.
func (s *Slack) Respond(ctx context.Context, responseURL string, r commands.Reply) error {
	blocks := slack.Blocks{BlockSet: Blocks(r, commands.MessageBlocks)}
	msg := &slack.WebhookMessage{Text: Fallback(r), Blocks: &blocks, ResponseType: slack.ResponseTypeEphemeral}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, s.http, msg); err != nil {
		return s.classify("response_url", err)
	}
	return nil
}

// classify turns a failed call into an error that says whether Slack may
// have acted on it.
func (s *Slack) classify(method string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		// The URL may be a response_url or an upload's pre-signed URL,
		// whose path is a secret: keep its host only, on every branch
		// below (the wrappers around ue repeat it in their text).
		err = &url.Error{Op: ue.Op, URL: hostOnly(ue.URL), Err: ue.Err}
	}
	var api slack.SlackErrorResponse
	var opErr *net.OpError
	switch {
	case errors.As(err, &api):
		// Slack answered and refused: nothing was posted.
		return fmt.Errorf("bot: %s: %s", method, api.Err)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Errorf("bot: %s: cannot connect: %w", method, err)
	case errors.Is(err, context.Canceled):
		return err
	}
	s.log.Error("slack call outcome unknown", "method", method, "err", err)
	return fmt.Errorf("%w: %s", ErrAmbiguous, method)
}

// hostOnly returns a URL's scheme and host: what an error may say of it.
func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(a URL)"
	}
	return u.Scheme + "://" + u.Host
}

// wait blocks until channel may get its next post and books the slot after.
func (s *Slack) wait(ctx context.Context, channel string) error {
	s.mu.Lock()
	now := s.now()
	at := s.nextPost[channel]
	if at.Before(now) {
		at = now
	}
	s.nextPost[channel] = at.Add(postGap)
	s.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return s.sleep(ctx, d)
	}
	return nil
}

// hold keeps a channel quiet for d (Slack's Retry-After).
func (s *Slack) hold(channel string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at := s.now().Add(d); at.After(s.nextPost[channel]) {
		s.nextPost[channel] = at
	}
}

// user returns a user's kind and locale from users.info, cached.
func (s *Slack) user(ctx context.Context, id string) (userInfo, error) {
	s.mu.Lock()
	c, ok := s.users[id]
	s.mu.Unlock()
	if ok && s.now().Before(c.expires) {
		return c.val, nil
	}
	u, err := s.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return userInfo{}, fmt.Errorf("bot: users.info: %w", err)
	}
	info := userInfo{guest: u.IsRestricted || u.IsUltraRestricted, bot: u.IsBot, external: !s.ours(u),
		locale: u.Locale, name: u.Profile.DisplayName}
	if info.name == "" {
		info.name = cmp.Or(u.RealName, u.Name)
	}
	s.mu.Lock()
	s.users[id] = cached[userInfo]{val: info, expires: s.now().Add(usersTTL)}
	s.mu.Unlock()
	return info, nil
}

// Locale returns a user's Slack locale, or "" if it cannot be had.
func (s *Slack) Locale(ctx context.Context, id string) string {
	u, err := s.user(ctx, id)
	if err != nil {
		s.log.WarnContext(ctx, "no locale", "user", id, "err", err)
		return ""
	}
	return u.locale
}

// Name returns the name others see for a user, or "" if it cannot be had.
func (s *Slack) Name(ctx context.Context, id string) string {
	u, err := s.user(ctx, id)
	if err != nil {
		return ""
	}
	return u.name
}

// channelMembers returns the members of a channel from conversations.members,
// all pages, cached briefly.
func (s *Slack) channelMembers(ctx context.Context, channel string) (map[string]bool, error) {
	s.mu.Lock()
	c, ok := s.channels[channel]
	s.mu.Unlock()
	if ok && s.now().Before(c.expires) {
		return c.val, nil
	}
	members := map[string]bool{}
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 200}
	var waited time.Duration // the rate-limit budget of all pages
	for {
		var ids []string
		var cursor string
		err := s.retryLimited(ctx, "conversations.members", &waited, func() error {
			var err error
			ids, cursor, err = s.api.GetUsersInConversationContext(ctx, params)
			return err
		})
		var api slack.SlackErrorResponse
		if errors.As(err, &api) && (api.Err == "channel_not_found" || api.Err == "not_in_channel") {
			// A private channel the bot was not invited to.
			return nil, smallgoals.Errorf(smallgoals.EINVALID, "err.invite_bot")
		}
		if err != nil {
			return nil, fmt.Errorf("bot: conversations.members: %w", err)
		}
		for _, id := range ids {
			members[id] = true
		}
		if cursor == "" {
			break
		}
		params.Cursor = cursor
	}
	s.mu.Lock()
	s.channels[channel] = cached[map[string]bool]{val: members, expires: s.now().Add(membersTTL)}
	s.mu.Unlock()
	return members, nil
}

// userChannels returns which of the teams' channels a user is in, from
// users.conversations: one call (a page per 200 channels) whatever the
// number of teams, cached briefly like a channel's members — and asked
// again when a team is new since (its channel was not known then).
func (s *Slack) userChannels(ctx context.Context, user string, teams []smallgoals.Team) (map[string]bool, error) {
	s.mu.Lock()
	c, ok := s.userChans[user]
	s.mu.Unlock()
	if ok && s.now().Before(c.expires) && !slices.ContainsFunc(teams, func(t smallgoals.Team) bool { return !c.val.known[t.ChannelID] }) {
		return c.val.in, nil
	}
	uc := userChans{in: map[string]bool{}, known: map[string]bool{}}
	for _, t := range teams {
		uc.known[t.ChannelID] = true
	}
	params := &slack.GetConversationsForUserParameters{UserID: user, Types: []string{"public_channel", "private_channel"},
		Limit: 200, ExcludeArchived: true}
	for {
		page, cursor, err := s.api.GetConversationsForUserContext(ctx, params)
		if err != nil {
			return nil, fmt.Errorf("bot: users.conversations: %w", err)
		}
		for _, ch := range page {
			uc.in[ch.ID] = true
		}
		if cursor == "" {
			break
		}
		params.Cursor = cursor
	}
	s.mu.Lock()
	s.userChans[user] = cached[userChans]{val: uc, expires: s.now().Add(membersTTL)}
	s.mu.Unlock()
	return uc.in, nil
}

// userChans is what is known of a user's channels: those they are in, and
// the team channels there were when that was asked.
type userChans struct{ in, known map[string]bool }

// TeamsOf returns the teams whose channel user is in, if user is staff
// (commands.TeamFinder): forms, App Home and frist ask it.
func (s *Slack) TeamsOf(ctx context.Context, teams []smallgoals.Team, user string) ([]smallgoals.Team, error) {
	u, err := s.user(ctx, user)
	if err != nil || !u.staff() {
		return nil, err
	}
	chans, err := s.userChannels(ctx, user, teams)
	if err != nil {
		return nil, err
	}
	var mine []smallgoals.Team
	for _, t := range teams {
		if chans[t.ChannelID] {
			mine = append(mine, t)
		}
	}
	return mine, nil
}

// Waiting out Slack's rate limit while someone waits for the answer: a
// few tries, a couple of seconds in all, never past the caller's deadline.
const (
	limitTries = 3
	limitWait  = 2 * time.Second
)

// retryLimited calls fn again after Slack's Retry-After while it answers
// 429, within limitTries and a total wait of limitWait (shared through
// waited by the calls of one request), and never when the wait would end
// after ctx's deadline. It returns fn's last error.
func (s *Slack) retryLimited(ctx context.Context, method string, waited *time.Duration, fn func() error) error {
	for try := 1; ; try++ {
		err := fn()
		d, limited := retryAfter(err)
		if !limited || try >= limitTries || *waited+d > limitWait {
			return err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return err
		}
		s.log.WarnContext(ctx, "slack rate limited; retrying", "method", method, "retry_after", d)
		if err := s.sleep(ctx, d); err != nil {
			return err
		}
		*waited += d
	}
}

// retryAfter reports whether err is Slack's 429 and how long Slack asks
// to wait (a second when it does not say).
func retryAfter(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl) && rl.RetryAfter > 0:
		return rl.RetryAfter, true
	case errors.As(err, &rl), errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
		return time.Second, true
	}
	return 0, false
}

// Channel tells what kind of conversation a channel is, from
// conversations.info (commands.Channels). The bot's scopes cover channels
// only: for a DM or a group DM Slack answers missing_scope (needing
// im:read or mpim:read), and channel_not_found for a channel it hides
// from the bot (a private channel the bot is not in).
func (s *Slack) Channel(ctx context.Context, id string) (commands.Channel, error) {
	var waited time.Duration
	var ch *slack.Channel
	err := s.retryLimited(ctx, "conversations.info", &waited, func() error {
		var err error
		ch, err = s.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
		return err
	})
	var api slack.SlackErrorResponse
	switch {
	case errors.As(err, &api) && api.Err == "missing_scope" &&
		(strings.Contains(api.Needed, "im:read") || strings.Contains(api.Needed, "mpim:read")):
		return commands.Channel{Direct: true}, nil
	case errors.As(err, &api) && api.Err == "channel_not_found":
		return commands.Channel{}, nil
	case err != nil:
		return commands.Channel{}, fmt.Errorf("bot: conversations.info: %w", err)
	}
	return commands.Channel{Direct: ch.IsIM || ch.IsMpIM, Member: ch.IsMember}, nil
}

// ForgetMembers drops the cached members of a channel, so the next check
// asks Slack.
func (s *Slack) ForgetMembers(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.channels, channel)
	clear(s.userChans) // who is in it, seen from each user
}

// Seen does nothing: in Slack the channel's members are the team.
func (s *Slack) Seen(context.Context, commands.Tx, string, string, time.Time) error { return nil }

// IsMember reports whether user is in the team's channel and staff.
func (s *Slack) IsMember(ctx context.Context, _ commands.Tx, team smallgoals.Team, user string) (bool, error) {
	members, err := s.channelMembers(ctx, team.ChannelID)
	if err != nil || !members[user] {
		return false, err
	}
	u, err := s.user(ctx, user)
	if err != nil {
		return false, err
	}
	return u.staff(), nil
}

// IsChannelMember reports whether user is a staff member of the channel
// (commands.ChannelMembers): the quick path asks before it writes.
func (s *Slack) IsChannelMember(ctx context.Context, channelID, user string) (bool, error) {
	return s.IsMember(ctx, nil, smallgoals.Team{ChannelID: channelID}, user)
}

// IsStaff reports whether user is of the bot's own organisation and not a
// guest or a bot (commands.StaffChecker): who may be a team leader.
func (s *Slack) IsStaff(ctx context.Context, user string) (bool, error) {
	u, err := s.user(ctx, user)
	if err != nil {
		return false, err
	}
	return u.staff(), nil
}

// CanJoin reports whether user may get a role on the team: only staff
// in its channel.
func (s *Slack) CanJoin(ctx context.Context, tx commands.Tx, team smallgoals.Team, user string) (bool, error) {
	return s.IsMember(ctx, tx, team, user)
}

// List returns the team channel's members who are staff: no guests, no
// bots, no members of other organisations.
func (s *Slack) List(ctx context.Context, _ commands.Tx, team smallgoals.Team) ([]string, error) {
	staff, _, err := s.channelPeople(ctx, team.ChannelID)
	return staff, err
}

// channelPeople returns a channel's members other than the bot: the
// staff, sorted, and how many others there are (guests, people from
// other organisations).
func (s *Slack) channelPeople(ctx context.Context, channel string) (staff []string, others int, err error) {
	members, err := s.channelMembers(ctx, channel)
	if err != nil {
		return nil, 0, err
	}
	for id := range members {
		if id == s.BotUserID {
			continue
		}
		u, err := s.user(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		if u.staff() {
			staff = append(staff, id)
		} else {
			others++
		}
	}
	slices.Sort(staff)
	return staff, others, nil
}

// OpenView opens a modal for the user who triggered triggerID and returns
// its ID and hash, for updating it.
func (s *Slack) OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) (id, hash string, err error) {
	resp, err := s.api.OpenViewContext(ctx, triggerID, v)
	if err != nil {
		return "", "", fmt.Errorf("bot: views.open: %w", err)
	}
	return resp.View.ID, resp.View.Hash, nil
}

// UpdateView replaces an open modal; hash guards against a lost race
// with another update.
func (s *Slack) UpdateView(ctx context.Context, viewID, hash string, v slack.ModalViewRequest) error {
	if _, err := s.api.UpdateViewContext(ctx, v, "", hash, viewID); err != nil {
		return fmt.Errorf("bot: views.update: %w", err)
	}
	return nil
}

// PublishHome publishes a user's App Home.
func (s *Slack) PublishHome(ctx context.Context, user string, v slack.HomeTabViewRequest) error {
	if _, err := s.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: v}); err != nil {
		return fmt.Errorf("bot: views.publish: %w", err)
	}
	return nil
}

// EphemeralIn shows a reply to one user in a channel, in a thread of it
// ("" for none), or in a DM when the channel is not known or cannot take
// it; the DM is returned, for the caller to record (an ephemeral message
// stays nowhere).
func (s *Slack) EphemeralIn(ctx context.Context, channel, thread, user string, r commands.Reply) (smallgoals.Posted, error) {
	if channel != "" {
		err := s.callJSON(ctx, "chat.postEphemeral", ephemeral{Channel: channel, User: user, Text: Fallback(r),
			Blocks: Blocks(r, commands.MessageBlocks), ThreadTS: thread})
		if err == nil {
			return smallgoals.Posted{}, nil
		}
		s.log.WarnContext(ctx, "ephemeral message not posted; sending a DM", "err", err)
	}
	return s.DM(ctx, user, r)
}

// ephemeral is chat.postEphemeral's body.
type ephemeral struct {
	Channel  string        `json:"channel"`
	User     string        `json:"user"`
	Text     string        `json:"text"`
	Blocks   []slack.Block `json:"blocks,omitempty"`
	ThreadTS string        `json:"thread_ts,omitempty"`
}

// callJSON calls a Web API method with body as JSON, as Slack takes it for
// its chat and views methods: a form saved is a confirmation posted, and
// slack-go's form encoding of the blocks (each JSON-encoded, then
// URL-encoded) cost a sixth of the bot's CPU under a load of form
// submissions. It fails as slack-go's calls do, so classify and
// retryAfter read its errors: Slack's refusal as slack.SlackErrorResponse,
// 429 as *slack.RateLimitedError, a transport failure as it came.
func (s *Slack) callJSON(ctx context.Context, method string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("bot: %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.apiURL+method, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("bot: %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		d, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return &slack.RateLimitedError{RetryAfter: time.Duration(d) * time.Second}
	}
	if resp.StatusCode != http.StatusOK {
		return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
	}
	var answer struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err != nil {
		return fmt.Errorf("bot: %s: reading the answer: %w", method, err)
	}
	if !answer.OK {
		return slack.SlackErrorResponse{Err: answer.Error}
	}
	return nil
}
