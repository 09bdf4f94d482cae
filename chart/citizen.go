package chart

import (
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A borger's page (CitizenPNG): one goal under the other, each as wide as
// a goal chart, so a phone shows them one at a time at full width.
const (
	// CitizenMaxGoals is how many goals a borger's page shows; the caller
	// says in words which were left out.
	CitizenMaxGoals = 8

	citizenHead  = 150 // pixels: the page's title and legend
	citizenPanel = 620 // pixels: one goal's title and plot
)

// CitizenHeight is the pixel height of a borger's page of n goals (n is
// capped at CitizenMaxGoals).
func CitizenHeight(n int) int {
	return citizenHead + citizenPanel*max(1, min(n, CitizenMaxGoals))
}

// CitizenPNG renders all of a borger's goals on one page (small
// multiples), Width × CitizenHeight(len(goals)) pixels: the title (e.g. the
// borger's alias) and one legend at the top, then each goal, in the order
// given, as GoalPNG draws it under its own "REF Title" — each with its own
// scale, target and revisions, the dates of each its own. A goal without
// scores says l.Empty. At most CitizenMaxGoals goals are drawn. Every goal
// needs Min < Max (ErrScale otherwise).
func CitizenPNG(title string, goals []Goal, l Labels) (out []byte, err error) {
	for _, g := range goals {
		if g.Min >= g.Max {
			return nil, ErrScale
		}
	}
	defer recoverErr(&err)
	goals = goals[:min(len(goals), CitizenMaxGoals)]
	pg := newPage(Width, CitizenHeight(len(goals)))
	drawCitizenPage(pg.area, title, goals, l)
	return pg.png()
}

func drawCitizenPage(c draw.Canvas, title string, goals []Goal, l Labels) {
	c = drawTitle(c, clean(title))
	target, revisions := false, false
	for _, g := range goals {
		target = target || g.Target != nil
		revisions = revisions || len(g.Revisions) > 0
	}
	c = drawLegendSized(c, legend(l, target, revisions), goalLabelSize)
	if len(goals) == 0 {
		return
	}
	h := (c.Max.Y - c.Min.Y) / vg.Length(len(goals))
	for i, g := range goals {
		top := c.Max.Y - h*vg.Length(i)
		panel := c
		panel.Max.Y, panel.Min.Y = top, top-h
		panel.Max.Y -= vg.Points(10) // a gap between goals
		sty := textStyle(panelTitle, true, draw.XLeft, draw.YTop)
		s := cut(goalTitle(g), TitleRunes+8)
		for sty.Width(s) > panel.Max.X-panel.Min.X && len([]rune(s)) > 2 {
			s = cut(s, len([]rune(s))-1)
		}
		panel.FillText(sty, vg.Point{X: panel.Min.X, Y: panel.Max.Y}, s)
		panel.Max.Y -= sty.Height(s) + vg.Points(4)
		drawGoal(panel, g, l)
	}
}
