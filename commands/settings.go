package commands

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"smallgoals"
)

// weekdays maps the day names a coordinator may type to weekdays.
var weekdays = map[string]time.Weekday{
	"mandag": time.Monday, "tirsdag": time.Tuesday, "onsdag": time.Wednesday, "torsdag": time.Thursday,
	"fredag": time.Friday, "lørdag": time.Saturday, "loerdag": time.Saturday, "søndag": time.Sunday, "soendag": time.Sunday,
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

var clockRe = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)

// clock reads HH:MM (also H:MM and HH.MM) as "HH:MM".
func clock(s string) (string, bool) {
	m := clockRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	h, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("%02d:%s", h, m[2]), true
}

// runTeamSet changes the team's settings, for coordinators:
// team indstil digest:mandag-09:00 påmindelse:08:00 sprog:da tz:ZONE opbevaring:DAGE.
func (c *call) runTeamSet() (Reply, error) {
	if len(c.p.opts) == 0 || len(c.p.args) > 0 {
		return Reply{}, c.invalid("err.settings")
	}
	t, err := c.channelTeam(smallgoals.ActTeamSettings)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireCoordinator(t, nil, smallgoals.ActTeamSettings); err != nil {
		return Reply{}, err
	}
	if v, ok := c.p.opts["digest"]; ok {
		day, at, _ := strings.Cut(strings.ToLower(v), "-")
		wd, okDay := weekdays[day]
		hm, okTime := clock(at)
		if !okDay || !okTime {
			return Reply{}, c.invalid("err.digest", "Value", Escape(clip(v, 30)))
		}
		t.DigestWeekday, t.DigestTime = wd, hm
	}
	if v, ok := c.p.opts["reminder"]; ok {
		hm, ok := clock(v)
		if !ok {
			return Reply{}, c.invalid("err.clock", "Value", Escape(clip(v, 20)))
		}
		t.ReminderTime = hm
	}
	if v, ok := c.p.opts["lang"]; ok {
		if !smallgoals.ValidLang(strings.ToLower(v)) {
			return Reply{}, c.invalid("err.lang")
		}
		t.Lang = strings.ToLower(v)
	}
	if v, ok := c.p.opts["tz"]; ok {
		if _, err := time.LoadLocation(v); err != nil || v == "" || strings.EqualFold(v, "local") {
			return Reply{}, c.invalid("err.tz", "Value", Escape(clip(v, 40)))
		}
		t.TZ = v
	}
	if v, ok := c.p.opts["retention"]; ok {
		switch n, err := strconv.Atoi(v); {
		case strings.EqualFold(v, "standard") || strings.EqualFold(v, "default"):
			t.RetentionDays = nil
		case err != nil || n < 1 || n > 36500:
			return Reply{}, c.invalid("err.retention", "Value", Escape(clip(v, 20)))
		default:
			t.RetentionDays = &n
		}
	}
	if err := c.tx.UpdateTeamSettings(c.ctx, t); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActTeamSettings, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	c.team = &t
	r := textReply(c.t("team.saved"))
	r.add(Section, c.teamSettings(t))
	return r, nil
}

// teamSettings describes a team's settings.
func (c *call) teamSettings(t smallgoals.Team) string {
	retention := c.t("team.retention_default")
	switch d := c.h.retentionDays; {
	case d != nil && *d == 0:
		retention = c.t("team.retention_default_keep")
	case d != nil:
		retention = c.t("team.retention_default_days", "Days", c.n("days", *d))
	}
	if t.RetentionDays != nil {
		retention = c.n("days", *t.RetentionDays)
	}
	return c.t("team.settings",
		"Lang", c.t("lang.name."+t.Lang),
		"TZ", t.TZ,
		"Digest", fmt.Sprintf("%s %s", c.t(fmt.Sprintf("weekday.%d", t.DigestWeekday)), c.h.msg.Clock(c.lang, t.DigestTime)),
		"Reminder", c.h.msg.Clock(c.lang, t.ReminderTime),
		"Retention", retention)
}

// mentionedUser reads a user named as @user (the shell's form, and what
// the Slack transport makes of <@U123|name>).
func mentionedUser(w string) (string, bool) {
	u := strings.TrimPrefix(w, "@")
	if u == w || u == "" || strings.ContainsAny(u, "<>|@") {
		return "", false
	}
	return u, true
}

// runCoordinator makes a member of the team a coordinator, for
// coordinators: koordinator @bruger.
func (c *call) runCoordinator() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.user_needed")
	}
	user, ok := mentionedUser(c.p.args[0])
	if !ok {
		return Reply{}, c.invalid("err.user_needed")
	}
	t, err := c.channelTeam(smallgoals.ActTeamSettings)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireCoordinator(t, nil, smallgoals.ActTeamSettings); err != nil {
		return Reply{}, err
	}
	// In Slack the channel is the team: a coordinator must be in it. In
	// the shell, being named makes you a member.
	if ok, err := c.h.members.CanJoin(c.ctx, c.tx, t, user); err != nil {
		return Reply{}, err
	} else if !ok {
		return Reply{}, c.invalid("err.not_in_channel", "User", mention(user))
	}
	if err := c.tx.AddMember(c.ctx, t.ID, user, true, c.req.Time); err != nil {
		return Reply{}, err
	}
	ev := smallgoals.MemberEvent{TeamID: t.ID, UserID: user, Kind: smallgoals.MemberCoordinatorAdded, Actor: c.req.UserID, At: c.req.Time}
	if err := c.tx.CreateMemberEvent(c.ctx, &ev); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActTeamSettings, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	return textReply(c.t("team.coordinator_added", "User", mention(user), "Name", Escape(t.Name))), nil
}
