package commands

import (
	"context"
	"slices"
	"strings"

	"smallgoals"
)

// People over time (issue 15, items 5 and 6): a coordinator removed, a
// member leaving (the shell), a borger moved to another team or
// discharged. Each change is a new row of citizen_events or
// member_events beside the audit event; nothing of the history is lost.

// runCoordinatorRemove takes the coordinator role from a user, for
// coordinators, never from the last one: koordinator fjern @bruger.
func (c *call) runCoordinatorRemove() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.coordinator_remove_user")
	}
	user, ok := mentionedUser(c.p.args[0])
	if !ok {
		return Reply{}, c.invalid("err.coordinator_remove_user")
	}
	t, err := c.channelTeam(smallgoals.ActCoordinatorRemove)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireCoordinator(t, nil, smallgoals.ActCoordinatorRemove); err != nil {
		return Reply{}, err
	}
	// One role change of the team at a time: two coordinators removing
	// each other at once must not leave none.
	if err := c.tx.LockTeam(c.ctx, t.ID); err != nil {
		return Reply{}, err
	}
	members, err := c.tx.ListMembers(c.ctx, t.ID)
	if err != nil {
		return Reply{}, err
	}
	coordinators := 0
	isCoord := false
	for _, m := range members {
		if m.Coordinator {
			coordinators++
			isCoord = isCoord || m.UserID == user
		}
	}
	switch {
	case !isCoord:
		err = smallgoals.Errorf(smallgoals.EINVALID, "err.not_coordinator_user", "User", mention(user), "Name", Escape(t.Name))
	case coordinators == 1:
		err = smallgoals.Errorf(smallgoals.ECONFLICT, "err.last_coordinator", "User", mention(user))
	}
	if err != nil {
		if aerr := c.audit(smallgoals.ActCoordinatorRemove, &t, nil, nil, "", false); aerr != nil {
			return Reply{}, aerr
		}
		return Reply{}, err
	}
	if err := c.tx.RemoveCoordinator(c.ctx, t.ID, user); err != nil {
		return Reply{}, err
	}
	ev := smallgoals.MemberEvent{TeamID: t.ID, UserID: user, Kind: smallgoals.MemberCoordinatorRemoved, Actor: c.req.UserID, At: c.req.Time}
	if err := c.tx.CreateMemberEvent(c.ctx, &ev); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCoordinatorRemove, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	return textReply(c.t("team.coordinator_removed", "User", mention(user), "Name", Escape(t.Name))), nil
}

// memberHistory is the team's latest membership changes, for its view.
func (c *call) memberHistory(t smallgoals.Team) (string, error) {
	evs, err := c.tx.ListMemberEvents(c.ctx, t.ID, 5)
	if err != nil || len(evs) == 0 {
		return "", err
	}
	lines := []string{"*" + c.t("team.history") + "*"}
	for _, ev := range evs {
		lines = append(lines, c.t("team.event."+ev.Kind, "Date", c.date(smallgoals.Day(ev.At, t.Location())),
			"User", mention(ev.UserID), "Actor", mention(ev.Actor)))
	}
	return strings.Join(lines, "\n"), nil
}

// Leave removes user's stored membership of the team of the channel of
// req, as leaving the channel does in Slack: the shell's ":leave [NAME]".
// req.UserID is who asks (audited); user who leaves. A coordinator
// leaving loses the role with the membership. Typing in the channel
// again makes the user a member again (StoredMembers.Seen).
func (h *Handler) Leave(ctx context.Context, req Request, user string) Reply {
	req = h.normalize(req)
	var r Reply
	err := h.store.InTx(ctx, func(tx Tx) error {
		c := &call{h: h, ctx: ctx, tx: tx, req: req}
		if err := c.chooseLang(""); err != nil {
			return err
		}
		t, err := c.currentTeam()
		if err != nil {
			return err
		}
		if t == nil {
			r = textReply(c.t("shell.leave_no_team", "Channel", req.ChannelID))
			return nil
		}
		if err := tx.LockTeam(ctx, t.ID); err != nil {
			return err
		}
		switch err := tx.RemoveMember(ctx, t.ID, user); smallgoals.ErrorCode(err) {
		case "":
		case smallgoals.ENOTFOUND:
			r = textReply(c.t("shell.leave_not_member", "User", mention(user), "Name", Escape(t.Name)))
			return c.audit(smallgoals.ActMemberLeave, t, nil, nil, "", false)
		default:
			return err
		}
		ev := smallgoals.MemberEvent{TeamID: t.ID, UserID: user, Kind: smallgoals.MemberLeft, Actor: req.UserID, At: req.Time}
		if err := tx.CreateMemberEvent(ctx, &ev); err != nil {
			return err
		}
		if err := c.audit(smallgoals.ActMemberLeave, t, nil, nil, "", true); err != nil {
			return err
		}
		r = textReply(c.t("shell.left", "User", mention(user), "Name", Escape(t.Name), "Channel", req.ChannelID))
		ms, err := tx.ListMembers(ctx, t.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ms, func(m smallgoals.Member) bool { return m.Coordinator }) {
			r.add(Context, c.t("shell.left_no_coordinator", "Name", Escape(t.Name)))
		}
		return nil
	})
	if err != nil {
		h.log.ErrorContext(ctx, "leave failed", "user", req.UserID, "err", err)
		return textReply(h.msg.T(h.lang, "err.internal"))
	}
	return r
}

// channelArg reads a channel named as #channel: in Slack #C123 (what the
// transport makes of <#C123|name>), in the shell #name, which is the
// shell's channel ID itself.
func (c *call) channelArg(w string) (smallgoals.Team, bool, error) {
	if !strings.HasPrefix(w, "#") || len(w) < 2 || strings.ContainsAny(w, "<>|@ ") {
		return smallgoals.Team{}, false, nil
	}
	for _, id := range []string{w, w[1:]} {
		t, err := c.tx.FindTeamByChannel(c.ctx, id)
		switch smallgoals.ErrorCode(err) {
		case "":
			return t, true, nil
		case smallgoals.ENOTFOUND:
		default:
			return t, false, err
		}
	}
	return smallgoals.Team{}, true, smallgoals.Errorf(smallgoals.EINVALID, "err.move_no_team", "Channel", Escape(clip(w, 40)))
}

// runCitizenMove moves a borger with all its history to another team the
// caller coordinates (and the caller must coordinate the borger's team):
// borger flyt ALIAS #kanal [som:NYT].
func (c *call) runCitizenMove() (Reply, error) {
	if len(c.p.args) != 2 {
		return Reply{}, c.invalid("err.move_args")
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenMove)
	if err != nil {
		return Reply{}, err
	}
	to, isChannel, err := c.channelArg(c.p.args[1])
	if err != nil && smallgoals.ErrorCode(err) != smallgoals.EINVALID {
		return Reply{}, err
	}
	if err != nil || !isChannel {
		if aerr := c.audit(smallgoals.ActCitizenMove, &f.team, &f.citizen, nil, f.citizen.Alias, false); aerr != nil {
			return Reply{}, aerr
		}
		if err == nil {
			err = c.invalid("err.move_channel", "Word", Escape(clip(c.p.args[1], 20)))
		}
		return Reply{}, err
	}
	if err := c.requireCoordinator(f.team, &f.citizen, smallgoals.ActCitizenMove); err != nil {
		return Reply{}, err
	}
	refuse := func(msgID string, kv ...any) (Reply, error) {
		if err := c.audit(smallgoals.ActCitizenMove, &to, &f.citizen, nil, f.citizen.Alias, false); err != nil {
			return Reply{}, err
		}
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, msgID, kv...)
	}
	if to.ID == f.team.ID {
		return refuse("err.move_same_team", "Alias", f.citizen.Alias, "Name", Escape(to.Name))
	}
	if ok, err := c.isCoordinator(to); err != nil {
		return Reply{}, err
	} else if !ok {
		return refuse("err.move_not_coordinator", "Name", Escape(to.Name))
	}
	alias := f.citizen.Alias
	if v, ok := c.p.opts["as"]; ok {
		a, err := smallgoals.CheckAlias(v)
		if err != nil {
			return Reply{}, c.invalid("alias.invalid", "Alias", Escape(clip(v, 20)))
		}
		if reserved[a] {
			return Reply{}, c.invalid("err.alias_reserved", "Alias", a)
		}
		alias = a
	}
	clash, err := c.tx.ListCitizensByAlias(c.ctx, smallgoals.AliasKey(alias))
	if err != nil {
		return Reply{}, err
	}
	if slices.ContainsFunc(clash, func(ct smallgoals.Citizen) bool { return ct.TeamID == to.ID }) {
		return refuse("err.move_alias_taken", "Alias", alias, "Old", f.citizen.Alias, "Name", Escape(to.Name),
			"Channel", Escape(c.p.args[1]))
	}
	if err := c.tx.MoveCitizen(c.ctx, f.citizen.ID, to.ID, alias); err != nil {
		return Reply{}, err
	}
	ev := smallgoals.CitizenEvent{CitizenID: f.citizen.ID, Kind: smallgoals.CitizenMoved, At: c.req.Time, Actor: c.req.UserID,
		FromTeamID: &f.team.ID, ToTeamID: &to.ID, OldAlias: f.citizen.Alias, NewAlias: alias}
	if err := c.tx.CreateCitizenEvent(c.ctx, &ev); err != nil {
		return Reply{}, err
	}
	// Audited in both teams: the one it left and the one it joined.
	moved := f.citizen
	moved.TeamID, moved.Alias = to.ID, alias
	if err := c.audit(smallgoals.ActCitizenMove, &f.team, &f.citizen, nil, f.citizen.Alias, true); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenMove, &to, &moved, nil, alias, true); err != nil {
		return Reply{}, err
	}
	if alias != f.citizen.Alias {
		return textReply(c.t("citizen.moved_renamed", "Old", f.citizen.Alias, "Alias", alias,
			"From", Escape(f.team.Name), "To", Escape(to.Name))), nil
	}
	return textReply(c.t("citizen.moved", "Alias", alias, "From", Escape(f.team.Name), "To", Escape(to.Name))), nil
}

// runCitizenDischarge discharges a borger, for coordinators: the active
// goals close (so no reminders), the borger leaves the lists, forms, App
// Home, frist and the digest, and the data stays, exportable, until
// retention removes it: borger udskriv ALIAS.
func (c *call) runCitizenDischarge() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.alias_needed_cmd")
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenDischarge)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireCoordinator(f.team, &f.citizen, smallgoals.ActCitizenDischarge); err != nil {
		return Reply{}, err
	}
	alias := f.citizen.Alias
	if f.citizen.DischargedAt != nil {
		if err := c.audit(smallgoals.ActCitizenDischarge, &f.team, &f.citizen, nil, alias, false); err != nil {
			return Reply{}, err
		}
		return Reply{}, smallgoals.Errorf(smallgoals.ECONFLICT, "err.discharge_twice", "Alias", alias,
			"Date", c.date(smallgoals.Day(*f.citizen.DischargedAt, f.team.Location())))
	}
	closed, err := c.tx.DischargeCitizen(c.ctx, f.citizen.ID, c.req.Time)
	if err != nil {
		return Reply{}, err
	}
	ev := smallgoals.CitizenEvent{CitizenID: f.citizen.ID, Kind: smallgoals.CitizenDischarged, At: c.req.Time,
		Actor: c.req.UserID, GoalIDs: closed}
	if err := c.tx.CreateCitizenEvent(c.ctx, &ev); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenDischarge, &f.team, &f.citizen, nil, alias, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("citizen.discharged", "Alias", alias, "Count", len(closed)))
	r.add(Context, c.t("citizen.discharged_next", "Alias", alias))
	return r, nil
}

// runCitizensDischarged lists the team's discharged borgere: borgere
// udskrevne.
func (c *call) runCitizensDischarged() (Reply, error) {
	t, err := c.channelTeam(smallgoals.ActCitizenList)
	if err != nil {
		return Reply{}, err
	}
	cs, err := c.tx.ListDischargedCitizens(c.ctx, t.ID)
	if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenList, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, c.t("citizens.discharged_title", "Name", Escape(t.Name)))
	if len(cs) == 0 {
		r.add(Section, c.t("citizens.discharged_none"))
		return r, nil
	}
	loc := t.Location()
	lines := make([]string, len(cs))
	for i, ct := range cs {
		exported := c.t("citizens.never_exported")
		if ct.ExportedAt != nil {
			exported = c.t("citizens.exported", "Date", c.date(smallgoals.Day(*ct.ExportedAt, loc)))
		}
		lines[i] = c.t("citizens.discharged_line", "Alias", ct.Alias,
			"Date", c.date(smallgoals.Day(*ct.DischargedAt, loc)), "Exported", exported)
	}
	r.add(Section, strings.Join(lines, "\n"))
	r.add(Context, c.t("citizens.discharged_note"))
	return r, nil
}

// servedOnly are the actions that change a borger's record: refused on a
// discharged borger (whose data is kept as it was until retention).
// Reading, exporting, the access log, erasure and a coordinator's
// correction of a wrong entry (fortryd nr:N) stay open.
var servedOnly = map[string]bool{
	smallgoals.ActGoalCreate: true, smallgoals.ActPlanCreate: true, smallgoals.ActContactSet: true,
	smallgoals.ActEntryCreate: true, smallgoals.ActRevisionCreate: true, smallgoals.ActGoalSnooze: true,
	smallgoals.ActCitizenMove: true, smallgoals.ActGoalEdit: true, smallgoals.ActGoalReopen: true,
	smallgoals.ActPlanEdit: true, smallgoals.ActPlanClose: true, smallgoals.ActReflectionCreate: true,
	smallgoals.ActGoalGAS: true,
}

// served refuses action on a discharged borger if it would change the
// record; the refusal is audited.
func (c *call) served(f found, action string) error {
	if f.citizen.DischargedAt == nil || !servedOnly[action] {
		return nil
	}
	if err := c.audit(action, &f.team, &f.citizen, nil, f.citizen.Alias, false); err != nil {
		return err
	}
	return smallgoals.Errorf(smallgoals.EINVALID, "err.citizen_discharged", "Alias", f.citizen.Alias,
		"Date", c.date(smallgoals.Day(*f.citizen.DischargedAt, f.team.Location())))
}

// historyItem is one fact of a borger's lifecycle as the history shows it.
type historyItem struct {
	ev   smallgoals.CitizenEvent
	text string // what happened, without who did it
}

// citizenHistory is what happened to the borger as a whole (moves,
// discharge), oldest first, for vis, the borger's overview and the
// export. goal, if set, adds that the discharge closed it.
func (c *call) citizenHistory(f found, goal *smallgoals.Goal) ([]historyItem, error) {
	evs, err := c.tx.ListCitizenEvents(c.ctx, f.citizen.ID)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	names := map[int64]string{f.team.ID: f.team.Name}
	name := func(id *int64) (string, error) {
		if id == nil {
			return "", nil
		}
		if n, ok := names[*id]; ok {
			return n, nil
		}
		t, err := c.tx.FindTeam(c.ctx, *id)
		if err != nil {
			return "", err
		}
		names[*id] = t.Name
		return t.Name, nil
	}
	var items []historyItem
	for _, ev := range evs {
		var text string
		switch ev.Kind {
		case smallgoals.CitizenMoved:
			from, err := name(ev.FromTeamID)
			if err != nil {
				return nil, err
			}
			to, err := name(ev.ToTeamID)
			if err != nil {
				return nil, err
			}
			text = c.t("history.moved", "From", from, "To", to)
			if ev.OldAlias != ev.NewAlias {
				text += " " + c.t("history.renamed", "Old", ev.OldAlias, "Alias", ev.NewAlias)
			}
		case smallgoals.CitizenDischarged:
			text = c.t("history.discharged")
			if goal != nil && slices.Contains(ev.GoalIDs, goal.ID) {
				text += " " + c.t("history.discharge_closed")
			}
		default:
			continue
		}
		items = append(items, historyItem{ev: ev, text: text})
	}
	return items, nil
}

// historyBlock shows a borger's lifecycle in a reply: date, what, who.
func (c *call) historyBlock(r *Reply, f found, goal *smallgoals.Goal) error {
	items, err := c.citizenHistory(f, goal)
	if err != nil || len(items) == 0 {
		return err
	}
	lines := []string{"*" + c.t("history.title") + "*"}
	for _, it := range items {
		lines = append(lines, c.date(smallgoals.Day(it.ev.At, f.team.Location()))+" · "+Escape(it.text)+" · "+mention(it.ev.Actor))
	}
	r.add(Section, strings.Join(lines, "\n"))
	return nil
}

// historyRows are a borger's lifecycle as rows of the export's CSV (its
// columns: kind, ref, …, date at 4, text at 10, by, written).
func (c *call) historyRows(f found, items []historyItem) [][]string {
	var rows [][]string
	for _, it := range items {
		row := make([]string, 14)
		row[0], row[1] = c.t("export.kind_history"), f.citizen.Alias
		row[4] = smallgoals.FormatDate(smallgoals.Day(it.ev.At, f.team.Location()))
		row[10], row[11], row[12] = it.text, it.ev.Actor, localTime(it.ev.At, f.team.Location())
		rows = append(rows, row)
	}
	return rows
}
