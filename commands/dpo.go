package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"smallgoals"
)

// This file is the data-protection officer's way in (`smallgoals dpo`,
// cmd/smallgoals/dpo.go): the same export, access log and erasure as the
// coordinator commands, by team and alias, for an operator outside Slack.
// No membership is checked — whoever holds the database URL and the data
// key can read everything anyway — but every request is audited with the
// operator as actor, refusals included, like any other.

// Operator is who acts and when.
type Operator struct {
	Actor string    // audited as is: "dpo:" and a name
	Time  time.Time // the clock of every rule; zero: now
	Lang  string    // the language of the export's files; "": the default
}

// Refusal is an operator's request refused, in English for the operator;
// its audit event is written.
type Refusal struct{ Msg string }

func (r *Refusal) Error() string { return r.Msg }

func refusef(format string, a ...any) error { return &Refusal{Msg: fmt.Sprintf(format, a...)} }

// operate runs fn as the operator in one transaction. A refusal commits
// (its audit event stays) and is returned.
func (h *Handler) operate(ctx context.Context, op Operator, fn func(c *call) error) error {
	if op.Time.IsZero() {
		op.Time = time.Now()
	}
	lang := op.Lang
	if lang == "" {
		lang = h.lang
	}
	var refusal *Refusal
	err := h.store.InTx(ctx, func(tx Tx) error {
		c := &call{h: h, ctx: ctx, tx: tx, req: Request{UserID: op.Actor, Time: op.Time, Command: "/maal"}, lang: lang}
		err := fn(c)
		if errors.As(err, &refusal) {
			return nil
		}
		return err
	})
	if err == nil && refusal != nil {
		return refusal
	}
	return err
}

// operatorTeam finds a team by its ID, its channel ID or its name (case
// does not matter). An unknown or ambiguous one is refused, and audited
// as action.
func (c *call) operatorTeam(arg, action string) (smallgoals.Team, error) {
	teams, err := c.tx.ListTeams(c.ctx)
	if err != nil {
		return smallgoals.Team{}, err
	}
	want := strings.TrimSpace(normalizeText(arg))
	id, _ := strconv.ParseInt(want, 10, 64)
	var byName []smallgoals.Team
	for _, t := range teams {
		if (id > 0 && id == t.ID) || want == t.ChannelID {
			return t, nil
		}
		if strings.EqualFold(want, t.Name) {
			byName = append(byName, t)
		}
	}
	if len(byName) == 1 {
		return byName[0], nil
	}
	if err := c.audit(action, nil, nil, nil, "", false); err != nil {
		return smallgoals.Team{}, err
	}
	if len(byName) == 0 {
		return smallgoals.Team{}, refusef("no team %q (give its ID, channel ID or name; see smallgoals dpo list)", arg)
	}
	ids := make([]string, len(byName))
	for i, t := range byName {
		ids[i] = strconv.FormatInt(t.ID, 10)
	}
	return smallgoals.Team{}, refusef("%d teams are named %q (IDs %s): give the ID", len(byName), arg, strings.Join(ids, ", "))
}

// operatorCitizen finds the borger with the alias on the team, served or
// discharged. An unknown one is refused, and audited as action.
func (c *call) operatorCitizen(teamArg, alias, action string) (found, error) {
	t, err := c.operatorTeam(teamArg, action)
	if err != nil {
		return found{}, err
	}
	key := smallgoals.AliasKey(alias)
	cands, err := c.tx.ListCitizensByAlias(c.ctx, key)
	if err != nil {
		return found{}, err
	}
	if i := slices.IndexFunc(cands, func(ct smallgoals.Citizen) bool { return ct.TeamID == t.ID }); i >= 0 {
		return found{citizen: cands[i], team: t}, nil
	}
	ref := ""
	if _, err := smallgoals.CheckAlias(key); err == nil {
		ref = key // an alias, never other text
	}
	if err := c.audit(action, &t, nil, nil, ref, false); err != nil {
		return found{}, err
	}
	return found{}, refusef("team %d (%s) has no borger %q (erased, moved, or never there; see smallgoals dpo list --team %d)",
		t.ID, t.Name, alias, t.ID)
}

// TeamCitizens is a team with all its borgere, served and discharged.
type TeamCitizens struct {
	Team       smallgoals.Team
	Served     []smallgoals.CitizenSummary
	Discharged []smallgoals.Citizen
}

// OperatorList lists the teams — or the one team named — with their
// borgere by alias: no free text. Each team listed is audited.
func (h *Handler) OperatorList(ctx context.Context, op Operator, team string) ([]TeamCitizens, error) {
	var out []TeamCitizens
	err := h.operate(ctx, op, func(c *call) error {
		var teams []smallgoals.Team
		if team != "" {
			t, err := c.operatorTeam(team, smallgoals.ActCitizenList)
			if err != nil {
				return err
			}
			teams = []smallgoals.Team{t}
		} else {
			var err error
			if teams, err = c.tx.ListTeams(c.ctx); err != nil {
				return err
			}
			if len(teams) == 0 { // the look is audited all the same
				return c.audit(smallgoals.ActCitizenList, nil, nil, nil, "", true)
			}
		}
		for i := range teams {
			tc := TeamCitizens{Team: teams[i]}
			var err error
			if tc.Served, err = c.tx.ListCitizens(c.ctx, teams[i].ID); err != nil {
				return err
			}
			if tc.Discharged, err = c.tx.ListDischargedCitizens(c.ctx, teams[i].ID); err != nil {
				return err
			}
			if err := c.audit(smallgoals.ActCitizenList, &teams[i], nil, nil, "", true); err != nil {
				return err
			}
			out = append(out, tc)
		}
		return nil
	})
	return out, err
}

// Subject is the borger an operator's request is about, with its team.
type Subject struct {
	Team    smallgoals.Team
	Citizen smallgoals.Citizen
}

// OperatorAccessLog returns the borger's access log from since (zero: all
// of it), oldest first, as adgangslog does: the lookup is audited first,
// so it is in the list.
func (h *Handler) OperatorAccessLog(ctx context.Context, op Operator, team, alias string, since time.Time) (Subject, []smallgoals.AuditEvent, error) {
	var (
		s   Subject
		evs []smallgoals.AuditEvent
	)
	err := h.operate(ctx, op, func(c *call) error {
		f, err := c.operatorCitizen(team, alias, smallgoals.ActAuditView)
		if err != nil {
			return err
		}
		s = Subject{Team: f.team, Citizen: f.citizen}
		if err := c.audit(smallgoals.ActAuditView, &f.team, &f.citizen, nil, f.citizen.Alias, true); err != nil {
			return err
		}
		evs, err = c.tx.ListAuditEvents(c.ctx, f.citizen.ID, since, time.Time{})
		return err
	})
	return s, evs, err
}

// OperatorAccessLogByID returns the access log of the borger with the ID
// — also one erased, whose events the log keeps — from since (zero: all
// of it). The subject is the borger if it still exists, else only its ID
// and its last team, from the log. None at all is refused.
func (h *Handler) OperatorAccessLogByID(ctx context.Context, op Operator, citizenID int64, since time.Time) (Subject, []smallgoals.AuditEvent, error) {
	var (
		s   Subject
		evs []smallgoals.AuditEvent
	)
	err := h.operate(ctx, op, func(c *call) error {
		s.Citizen.ID = citizenID
		ct, err := c.tx.FindCitizen(c.ctx, citizenID)
		switch smallgoals.ErrorCode(err) {
		case "":
			s.Citizen = ct
			if s.Team, err = c.tx.FindTeam(c.ctx, ct.TeamID); err != nil {
				return err
			}
		case smallgoals.ENOTFOUND:
		default:
			return err
		}
		all, err := c.tx.ListAuditEvents(c.ctx, citizenID, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		if len(all) == 0 && s.Team.ID == 0 {
			if err := c.audit(smallgoals.ActAuditView, nil, nil, nil, "", false); err != nil {
				return err
			}
			return refusef("no borger %d and no audit events about one", citizenID)
		}
		ev := smallgoals.AuditEvent{At: c.req.Time, Actor: c.req.UserID, Action: smallgoals.ActAuditView, CitizenID: &citizenID,
			Ref: s.Citizen.Alias, Allowed: true}
		if s.Team.ID == 0 && len(all) > 0 { // erased: the team and alias the log last saw
			last := all[len(all)-1]
			ev.TeamID, s.Team.ID = last.TeamID, derefID(last.TeamID)
			if r, ok := smallgoals.ParseRef(last.Ref); ok {
				s.Citizen.Alias = r.Alias
			} else if _, err := smallgoals.CheckAlias(last.Ref); err == nil {
				s.Citizen.Alias = last.Ref
			}
			ev.Ref = s.Citizen.Alias
		} else if s.Team.ID != 0 {
			ev.TeamID = &s.Team.ID
		}
		if err := c.tx.CreateAuditEvent(c.ctx, &ev); err != nil {
			return err
		}
		evs, err = c.tx.ListAuditEvents(c.ctx, citizenID, since, time.Time{})
		return err
	})
	return s, evs, err
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// OperatorExport is everything stored about a borger, decrypted: the
// coordinator's export (the CSV and the PDF status report, the whole
// period) and what those files are made from.
type OperatorExport struct {
	Subject
	Files              []File // the export's CSV and PDF, named as eksport names them in the operator's language
	Entries, Revisions int    // in the files: counting entries, revisions
	Goals              []smallgoals.Goal
	Plans              []smallgoals.PlanGoal
	Events             []smallgoals.AuditEvent // the borger's access log, this export included
}

// OperatorExport exports the borger, audited as an export. It does not
// mark the borger's data exported: that mark is the team's duty to
// document (the journal), which this copy for the data subject is not,
// and it would let erasure and retention delete more.
func (h *Handler) OperatorExport(ctx context.Context, op Operator, team, alias string) (OperatorExport, error) {
	var x OperatorExport
	err := h.operate(ctx, op, func(c *call) error {
		f, err := c.operatorCitizen(team, alias, smallgoals.ActCitizenExport)
		if err != nil {
			return err
		}
		e, err := c.export(f, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		if err := c.audit(smallgoals.ActCitizenExport, &f.team, &f.citizen, nil, f.citizen.Alias, true); err != nil {
			return err
		}
		evs, err := c.tx.ListAuditEvents(c.ctx, f.citizen.ID, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		alias, stamp := f.citizen.Alias, smallgoals.FormatDate(c.today(&f.team))
		x = OperatorExport{Subject: Subject{Team: f.team, Citizen: f.citizen}, Entries: e.entries, Revisions: e.revisions,
			Goals: e.goals, Plans: e.plans, Events: evs, Files: []File{
				{Name: c.t("file.export", "Name", alias, "Date", stamp), Data: e.csv, TeamID: f.team.ID, CitizenID: f.citizen.ID},
				{Name: c.t("file.report", "Name", alias, "Date", stamp), Data: e.report, TeamID: f.team.ID, CitizenID: f.citizen.ID},
			}}
		return nil
	})
	return x, err
}

// OperatorErasure says what erasing the borger would remove; audited as
// a view of the borger, as borger slet without bekræft is.
func (h *Handler) OperatorErasure(ctx context.Context, op Operator, team, alias string) (Subject, smallgoals.Erasure, error) {
	var (
		s Subject
		e smallgoals.Erasure
	)
	err := h.operate(ctx, op, func(c *call) error {
		f, err := c.operatorCitizen(team, alias, smallgoals.ActCitizenView)
		if err != nil {
			return err
		}
		s = Subject{Team: f.team, Citizen: f.citizen}
		if e, err = c.tx.ErasureOf(c.ctx, f.citizen.ID); err != nil {
			return err
		}
		return c.audit(smallgoals.ActCitizenView, &f.team, &f.citizen, nil, f.citizen.Alias, true)
	})
	return s, e, err
}

// Erased is what an operator's erasure removed, and what the transport
// must still delete from Slack.
type Erased struct {
	Subject
	smallgoals.Erasure
	Files []smallgoals.FileRecord // due for deletion (Reply.Forget takes their IDs)
	Posts []smallgoals.Posted     // due for deletion from Slack (Reply.Unpost)
}

// OperatorErase erases the borger as borger slet bekræft [tving] does:
// refused while entries were written after the last export, unless force.
// caseRef, the operator's case reference (no spaces, at most 40
// characters), is kept in the audit event's recipient column.
func (h *Handler) OperatorErase(ctx context.Context, op Operator, team, alias, caseRef string, force bool) (Erased, error) {
	var out Erased
	err := h.operate(ctx, op, func(c *call) error {
		f, err := c.operatorCitizen(team, alias, smallgoals.ActCitizenErase)
		if err != nil {
			return err
		}
		e, err := c.tx.ErasureOf(c.ctx, f.citizen.ID)
		if err != nil {
			return err
		}
		c.deferAudit = true // to add the case reference
		files, posts, err := c.erase(f, e, force)
		var ue *smallgoals.Error
		if errors.As(err, &ue) && ue.Code == smallgoals.ECONFLICT {
			err = refusef("%s has %d entries written after its last export: export them first (smallgoals dpo export, or /maal eksport %s in the team's channel), or add --force",
				f.citizen.Alias, e.Unexported, f.citizen.Alias)
		} else if err != nil {
			return err
		}
		for _, ev := range c.pending {
			ev.Recipient = caseRef
			if aerr := c.tx.CreateAuditEvent(c.ctx, &ev); aerr != nil {
				return aerr
			}
		}
		out = Erased{Subject: Subject{Team: f.team, Citizen: f.citizen}, Erasure: e, Files: files, Posts: posts}
		return err
	})
	return out, err
}

// CSV writes rows as the exports do: for Danish Excel (UTF-8 with BOM,
// ';'), every cell a spreadsheet would run as a formula made inert.
func CSV(rows [][]string) []byte { return danishCSV(rows) }
