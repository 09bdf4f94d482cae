package commands

import (
	"slices"

	"smallgoals"
)

// audit appends an audit event to the call's transaction. Any of team,
// citizen and goal may be nil; ref is an alias or a goal ref, never free
// text.
func (c *call) audit(action string, team *smallgoals.Team, citizen *smallgoals.Citizen, goal *smallgoals.Goal, ref string, allowed bool) error {
	ev := smallgoals.AuditEvent{At: c.req.Time, Actor: c.req.UserID, Action: action, Ref: clip(ref, 40), Allowed: allowed}
	if team != nil {
		ev.TeamID = &team.ID
	}
	if citizen != nil {
		ev.CitizenID = &citizen.ID
		if ev.TeamID == nil {
			ev.TeamID = &citizen.TeamID
		}
	}
	if goal != nil {
		ev.GoalID = &goal.ID
	}
	if allowed && ev.CitizenID != nil && !slices.Contains(c.citizens, *ev.CitizenID) {
		c.citizens = append(c.citizens, *ev.CitizenID)
	}
	if c.deferAudit {
		c.pending = append(c.pending, ev) // written by the score writer
		return nil
	}
	return c.tx.CreateAuditEvent(c.ctx, &ev)
}

// channelTeam returns the current channel's team if the caller is on it.
// The refusal of a non-member is audited.
func (c *call) channelTeam(action string) (smallgoals.Team, error) {
	t, err := c.currentTeam()
	if err != nil {
		return smallgoals.Team{}, err
	}
	if t == nil {
		return smallgoals.Team{}, smallgoals.Errorf(smallgoals.ENOTFOUND, "err.no_team")
	}
	ok, err := c.h.members.IsMember(c.ctx, c.tx, *t, c.req.UserID)
	if err != nil {
		return smallgoals.Team{}, err
	}
	if !ok {
		if err := c.audit(action, t, nil, nil, "", false); err != nil {
			return smallgoals.Team{}, err
		}
		return smallgoals.Team{}, smallgoals.Errorf(smallgoals.EFORBIDDEN, "err.not_member")
	}
	return *t, nil
}

// isCoordinator reports whether the caller is a coordinator of team (and
// still on it).
func (c *call) isCoordinator(team smallgoals.Team) (bool, error) {
	m, err := c.tx.FindMember(c.ctx, team.ID, c.req.UserID)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return false, nil
	}
	if err != nil || !m.Coordinator {
		return false, err
	}
	return c.h.members.IsMember(c.ctx, c.tx, team, c.req.UserID)
}

// found is a citizen the caller may see, with its team.
type found struct {
	citizen smallgoals.Citizen
	team    smallgoals.Team
}

// citizen resolves an alias for the caller: in the current channel's team
// first, then in the caller's other teams. To a caller on none of the
// teams that have the alias it answers as if the alias did not exist,
// with notFound, and audits the refusal as action.
func (c *call) citizen(alias, action string, notFound *smallgoals.Error) (found, error) {
	f, err := c.findCitizen(alias, action, notFound)
	if err != nil {
		return f, err
	}
	return f, c.served(f, action)
}

// findCitizen is citizen without the check that the borger is served.
func (c *call) findCitizen(alias, action string, notFound *smallgoals.Error) (found, error) {
	key := smallgoals.AliasKey(alias)
	cands, err := c.tx.ListCitizensByAlias(c.ctx, key)
	if err != nil {
		return found{}, err
	}
	cur, err := c.currentTeam()
	if err != nil {
		return found{}, err
	}
	// The current channel's team first: a member there needs no other
	// team's membership looked up (nor Slack asked about it).
	if cur != nil {
		if i := slices.IndexFunc(cands, func(ct smallgoals.Citizen) bool { return ct.TeamID == cur.ID }); i > 0 {
			ct := cands[i]
			cands = slices.Insert(slices.Delete(cands, i, i+1), 0, ct)
		}
	}
	var mine, refused []found
	for _, ct := range cands {
		var team smallgoals.Team
		if cur != nil && cur.ID == ct.TeamID {
			team = *cur
		} else if team, err = c.tx.FindTeam(c.ctx, ct.TeamID); err != nil {
			return found{}, err
		}
		ok, err := c.h.members.IsMember(c.ctx, c.tx, team, c.req.UserID)
		if err != nil {
			return found{}, err
		}
		f := found{citizen: ct, team: team}
		if !ok {
			refused = append(refused, f)
			continue
		}
		if cur != nil && cur.ID == ct.TeamID {
			return f, nil
		}
		mine = append(mine, f)
	}
	switch len(mine) {
	case 1:
		return mine[0], nil
	case 0:
		for _, f := range refused {
			if err := c.audit(action, &f.team, &f.citizen, nil, key, false); err != nil {
				return found{}, err
			}
		}
		return found{}, notFound
	default:
		return found{}, smallgoals.Errorf(smallgoals.ECONFLICT, "err.ambiguous", "Alias", key)
	}
}

// citizenByAlias resolves an alias typed as such, or the citizen chosen
// in a form.
func (c *call) citizenByAlias(alias, action string) (found, error) {
	key := smallgoals.AliasKey(alias)
	unknown := smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_alias", "Alias", Escape(clip(key, 20)))
	if c.p.citizenID != 0 {
		return c.citizenByID(c.p.citizenID, nil, action, unknown)
	}
	return c.citizen(alias, action, unknown)
}

// citizenByID resolves a citizen chosen in a form (or named by a button):
// known to the caller only if the caller is on its team; otherwise
// notFound, audited about the citizen and goal, if the choice was one of
// its goals.
func (c *call) citizenByID(id int64, goal *smallgoals.Goal, action string, notFound *smallgoals.Error) (found, error) {
	ct, err := c.tx.FindCitizen(c.ctx, id)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return found{}, notFound
	}
	if err != nil {
		return found{}, err
	}
	team, err := c.tx.FindTeam(c.ctx, ct.TeamID)
	if err != nil {
		return found{}, err
	}
	ok, err := c.h.members.IsMember(c.ctx, c.tx, team, c.req.UserID)
	if err != nil {
		return found{}, err
	}
	if !ok {
		ref := ct.Alias
		if goal != nil {
			ref = smallgoals.Ref{Alias: ct.Alias, N: goal.Number}.String()
		}
		if err := c.audit(action, &team, &ct, goal, ref, false); err != nil {
			return found{}, err
		}
		return found{}, notFound
	}
	f := found{citizen: ct, team: team}
	return f, c.served(f, action)
}

// goal resolves a goal ref for the caller, or the goal chosen in a form,
// answering an unknown ref and a ref on another team's citizen alike.
func (c *call) goal(word, action string) (found, smallgoals.Goal, error) {
	if c.p.goalID != 0 {
		return c.goalByID(c.p.goalID, action)
	}
	ref, ok := smallgoals.ParseRef(word)
	if !ok || ref.Plan {
		return found{}, smallgoals.Goal{}, c.invalid("err.bad_ref", "Word", Escape(clip(word, 20)))
	}
	unknown := smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_ref", "Ref", ref.String())
	f, err := c.citizen(ref.Alias, action, unknown)
	if err != nil {
		return found{}, smallgoals.Goal{}, err
	}
	g, err := c.tx.FindGoalByNumber(c.ctx, f.citizen.ID, ref.N)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return found{}, smallgoals.Goal{}, unknown
	}
	return f, g, err
}

// ref returns a goal's ref, e.g. AB-2.
func ref(alias string, g smallgoals.Goal) string {
	return smallgoals.Ref{Alias: alias, N: g.Number}.String()
}

// goalByID resolves a goal chosen in a form.
func (c *call) goalByID(id int64, action string) (found, smallgoals.Goal, error) {
	unknown := smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_goal")
	g, err := c.tx.FindGoal(c.ctx, id)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return found{}, g, unknown
	}
	if err != nil {
		return found{}, g, err
	}
	f, err := c.citizenByID(g.CitizenID, &g, action, unknown)
	return f, g, err
}
