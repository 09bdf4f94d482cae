package commands

// Goal Attainment Scaling done properly (issue 16 #3): each level's
// description in text (gas REF NIVEAU TEKST), a baseline level and a
// weight on ny and ret (udgangspunkt:, vægt:), and a T-score told only
// where it says more than one goal's level.

import (
	"sort"
	"strconv"
	"strings"

	"smallgoals"
)

// runGAS describes one GAS level of a goal: gas REF NIVEAU TEKST, or
// gas REF NIVEAU ingen to remove the description. Who may: as ret.
func (c *call) runGAS() (Reply, error) {
	if len(c.p.args) < 3 {
		return Reply{}, c.invalid("err.gas_args")
	}
	level, ok := smallgoals.ParseGASLevel(c.p.args[1])
	if !ok {
		return Reply{}, c.invalid("err.gas", "Value", Escape(clip(c.p.args[1], 10)))
	}
	text := ""
	if !(len(c.p.args) == 3 && noneWords[strings.ToLower(c.p.args[2])]) {
		var err error
		if text, err = c.title(c.p.args[2:]); err != nil {
			return Reply{}, err
		}
	}
	f, g, err := c.goal(c.p.args[0], smallgoals.ActGoalGAS)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if ok, err := c.mayEdit(f); err != nil || !ok {
		return Reply{}, c.refused(err, smallgoals.ActGoalGAS, f, &g, gref, "err.gas_forbidden")
	}
	if g.Status != smallgoals.GoalActive {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.edit_closed", "Ref", gref)
	}
	ch := c.change(&g.ID, nil, smallgoals.ChangeGASLevel(level), g.GASLevels.Level(level), text)
	if ch == nil {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.edit_same", "Ref", gref)
	}
	ng := g
	ng.GASLevels[level-smallgoals.GASMin] = text
	if err := c.tx.UpdateGoal(c.ctx, ng); err != nil {
		return Reply{}, err
	}
	if err := c.record([]*smallgoals.GoalChange{ch}); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActGoalGAS, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("gas.done", "Ref", gref, "Level", smallgoals.FormatGASLevel(level)))
	r.add(Section, c.gasLevelsText(ng, Escape))
	return r, nil
}

// gasOptions reads udgangspunkt:N and vægt:N onto g (ny, ret); "ingen"
// removes either.
func (c *call) gasOptions(g *smallgoals.Goal) error {
	if v, ok := c.p.opts["baseline"]; ok {
		if noneWords[strings.ToLower(v)] {
			g.GASBaseline = nil
		} else {
			n, ok := smallgoals.ParseGASLevel(v)
			if !ok {
				return c.invalid("err.gas_baseline", "Value", Escape(clip(v, 10)))
			}
			g.GASBaseline = &n
		}
	}
	if v, ok := c.p.opts["weight"]; ok {
		if noneWords[strings.ToLower(v)] {
			g.GASWeight = nil
		} else {
			n, err := strconv.Atoi(v)
			if err != nil || n < smallgoals.GASWeightMin || n > smallgoals.GASWeightMax {
				return c.invalid("err.gas_weight", "Value", Escape(clip(v, 10)),
					"Min", smallgoals.GASWeightMin, "Max", smallgoals.GASWeightMax)
			}
			g.GASWeight = &n
		}
	}
	return nil
}

// gasFacts are a goal's GAS settings for its one-line summary; none when
// it has neither baseline nor weight.
func (c *call) gasFacts(g smallgoals.Goal) []string {
	var parts []string
	if g.GASBaseline != nil {
		parts = append(parts, c.t("gas.fact_baseline", "Level", smallgoals.FormatGASLevel(*g.GASBaseline)))
	}
	if g.GASWeight != nil {
		parts = append(parts, c.t("gas.fact_weight", "Weight", *g.GASWeight))
	}
	return parts
}

// gasLevelsText lists the goal's level descriptions, +2 first, its text
// through esc; "" when none is described.
func (c *call) gasLevelsText(g smallgoals.Goal, esc func(string) string) string {
	lines := c.gasLevelLines(g, esc)
	if len(lines) == 0 {
		return c.t("gas.no_levels")
	}
	return "*" + c.t("gas.levels") + "*\n" + strings.Join(lines, "\n")
}

// gasLevelLines are the described levels, +2 first: "+1: Tager bussen …".
func (c *call) gasLevelLines(g smallgoals.Goal, esc func(string) string) []string {
	var lines []string
	for n := smallgoals.GASMax; n >= smallgoals.GASMin; n-- {
		if d := g.GASLevels.Level(n); d != "" {
			lines = append(lines, smallgoals.FormatGASLevel(n)+": "+esc(d))
		}
	}
	return lines
}

// gasResult is a borger's GAS result over the latest revision of each
// goal.
type gasResult struct {
	goals int     // goals with a revision
	level int     // the one goal's level, when goals == 1
	t     float64 // the T-score, when goals >= 2
}

// gasScore is the GAS result over the latest revision of each of goals
// (revisions oldest first), each goal weighed by its GAS weight.
func gasScore(goals []smallgoals.Goal, revisions []smallgoals.Revision) gasResult {
	latest := map[int64]int{}
	for _, r := range revisions { // oldest first: the last one wins
		latest[r.GoalID] = r.GASLevel
	}
	ids := make([]int64, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	weight := map[int64]float64{}
	for _, g := range goals {
		weight[g.ID] = g.GASWeightOrDefault()
	}
	res := gasResult{goals: len(ids)}
	g := smallgoals.GASGoals{Levels: make([]int, len(ids)), Weights: make([]float64, len(ids))}
	for i, id := range ids {
		g.Levels[i], g.Weights[i] = latest[id], 1
		if w, ok := weight[id]; ok {
			g.Weights[i] = w
		}
	}
	if len(ids) == 1 {
		res.level = g.Levels[0]
	}
	res.t, _ = smallgoals.CitizenTScore(g)
	return res
}

// tscoreText tells the GAS result: no revision yet; one goal, whose level
// is all a T-score would say; or the T-score of two goals or more.
func (c *call) tscoreText(res gasResult) string {
	switch res.goals {
	case 0:
		return c.t("export.no_tscore")
	case 1:
		return c.t("gas.tscore_one", "Level", smallgoals.FormatGASLevel(res.level))
	}
	return c.t("export.tscore", "T", c.decimal(res.t), "Goals", res.goals)
}
