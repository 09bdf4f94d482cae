package commands

import (
	"context"
	"strings"
	"unicode/utf8"

	"smallgoals"
)

// Channel is what a transport knows of the channel a team is to be made in.
type Channel struct {
	Direct bool // a DM or a group DM, not a channel
	Member bool // the bot is in it: it can see who is there and post the digest
}

// Channels are Members that can tell what a channel is (Slack). Members
// that cannot (the shell's StoredMembers) take any channel: in the shell
// every channel counts as a private channel the bot is in.
type Channels interface {
	Channel(ctx context.Context, channelID string) (Channel, error)
}

// runTeamCreate makes the current channel a team with the caller as its
// coordinator: team opret [navn].
func (c *call) runTeamCreate() (Reply, error) {
	name := strings.Join(c.p.args, " ")
	if name == "" {
		// The channel's name, checked like any free text (the line's
		// words were checked before the command ran).
		name = strings.TrimPrefix(c.req.ChannelName, "#")
		if smallgoals.ContainsCPR(name) {
			return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.team_name_cpr")
		}
	}
	if name == "" {
		name = c.req.ChannelID
	}
	if utf8.RuneCountInString(name) > smallgoals.MaxTeamNameLen {
		return Reply{}, c.invalid("err.team_name_long", "Max", smallgoals.MaxTeamNameLen)
	}
	if t, err := c.currentTeam(); err != nil {
		return Reply{}, err
	} else if t != nil {
		return Reply{}, smallgoals.Errorf(smallgoals.ECONFLICT, "err.team_exists", "Name", Escape(t.Name))
	}
	if err := c.teamChannel(); err != nil {
		return Reply{}, err
	}
	t := smallgoals.Team{ChannelID: c.req.ChannelID, Name: name, Lang: c.h.lang, TZ: c.h.tz,
		CreatedBy: c.req.UserID, CreatedAt: c.req.Time}
	if err := c.tx.CreateTeam(c.ctx, &t); err != nil {
		return Reply{}, err
	}
	if err := c.tx.AddMember(c.ctx, t.ID, c.req.UserID, true, c.req.Time); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActTeamCreate, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	c.team, c.teamLoaded = &t, true
	r := textReply(c.t("team.created", "Name", Escape(t.Name), "User", mention(c.req.UserID)))
	r.add(Context, c.t("team.created_next"))
	return r, nil
}

// teamChannel refuses a channel that cannot be a team's: a DM or a group
// DM (a team is a unit's channel), or a channel the bot is not in (it
// could neither see who is on the team nor post the digest there).
func (c *call) teamChannel() error {
	chs, ok := c.h.members.(Channels)
	if !ok {
		return nil
	}
	ch, err := chs.Channel(c.ctx, c.req.ChannelID)
	switch {
	case err != nil:
		return err
	case ch.Direct:
		return smallgoals.Errorf(smallgoals.EINVALID, "err.team_in_dm")
	case !ch.Member:
		return smallgoals.Errorf(smallgoals.EINVALID, "err.team_invite_bot")
	}
	return nil
}

// runTeam shows the team's settings and members.
func (c *call) runTeam() (Reply, error) {
	if len(c.p.args) > 0 {
		return Reply{}, c.invalid("err.unknown_sub", "Word", Escape(clip(c.p.args[0], 20)))
	}
	t, err := c.channelTeam(smallgoals.ActTeamView)
	if err != nil {
		return Reply{}, err
	}
	stored, err := c.tx.ListMembers(c.ctx, t.ID)
	if err != nil {
		return Reply{}, err
	}
	users, err := c.h.members.List(c.ctx, c.tx, t)
	if err != nil {
		return Reply{}, err
	}
	coord := map[string]bool{}
	var coords []string
	for _, m := range stored {
		if m.Coordinator {
			coord[m.UserID] = true
			coords = append(coords, mention(m.UserID))
		}
	}
	var others []string
	for _, u := range users {
		if !coord[u] {
			others = append(others, mention(u))
		}
	}
	citizens, err := c.tx.ListCitizens(c.ctx, t.ID)
	if err != nil {
		return Reply{}, err
	}
	leaders, err := c.tx.ListLeaders(c.ctx, t.ID)
	if err != nil {
		return Reply{}, err
	}
	history, err := c.memberHistory(t)
	if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActTeamView, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, c.t("team.title", "Name", Escape(t.Name)))
	r.add(Section, c.teamSettings(t))
	r.add(Context, c.t("team.citizens", "Count", len(citizens)))
	r.add(Section, c.t("team.coordinators", "Users", listOrNone(c, coords)))
	r.add(Section, c.t("team.members", "Users", listOrNone(c, others)))
	if len(leaders) > 0 {
		for i, u := range leaders {
			leaders[i] = mention(u)
		}
		r.add(Section, c.t("team.leaders", "Users", strings.Join(leaders, ", ")))
	}
	if history != "" {
		r.add(Context, history)
	}
	return r, nil
}

// mention shows a user; Slack renders it as a name, the shell as @user.
func mention(user string) string { return "<@" + user + ">" }

func listOrNone(c *call, items []string) string {
	if len(items) == 0 {
		return c.t("none")
	}
	return strings.Join(items, ", ")
}
