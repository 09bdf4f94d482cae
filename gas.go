package smallgoals

import (
	"math"
	"strconv"
)

// Goal Attainment Scaling levels: −2 much less than expected, 0 the
// expected outcome, +2 much more than expected.
const GASMin, GASMax = -2, 2

// A goal's GAS weight: how important the borger finds it, 1 (the default)
// to 3.
const GASWeightMin, GASWeightMax = 1, 3

// gasRho is the assumed correlation between the goals' scores used by
// Kiresuk and Sherman's T-score.
const gasRho = 0.3

// TScore returns the GAS T-score of the given attainment levels (one per
// goal, usually the latest revision of each):
//
//	T = 50 + 10·Σ(wᵢxᵢ) / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²), ρ = 0.3
//
// weights[i] weighs levels[i]; a goal with no weight (weights nil or
// shorter than levels) weighs 1. Levels are used as given. The result is
// false when there are no levels or the score is undefined (all weights 0,
// or a weight that is NaN or infinite).
func TScore(levels []int, weights []float64) (float64, bool) {
	if len(levels) == 0 {
		return 0, false
	}
	var sumWX, sumW, sumW2 float64
	for i, x := range levels {
		w := 1.0
		if i < len(weights) {
			w = weights[i]
		}
		sumWX += w * float64(x)
		sumW += w
		sumW2 += w * w
	}
	den := math.Sqrt((1-gasRho)*sumW2 + gasRho*sumW*sumW)
	if den == 0 {
		return 0, false
	}
	t := 50 + 10*sumWX/den
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return 0, false
	}
	return t, true
}

// CitizenTScore is a borger's GAS T-score over the latest level of each of
// their revised goals, each weighed by the goal's weight (as TScore): only
// from two goals on, since one goal's result is simply its level. The one
// rule of the export, the digest and the leader's overview.
func CitizenTScore(g GASGoals) (float64, bool) {
	if len(g.Levels) < 2 {
		return 0, false
	}
	return TScore(g.Levels, g.Weights)
}

// GASGoals are the latest GAS levels of a borger's revised goals, with
// each goal's weight (Weights[i] weighs Levels[i]; missing: 1).
type GASGoals struct {
	Levels  []int
	Weights []float64
}

// ParseGASLevel parses a GAS attainment level as typed: "-2", "-1", "0",
// "+1", "+2", or "1" and "2" without the plus sign. The minus may be the
// ASCII hyphen-minus or the Unicode minus sign U+2212. Nothing else is
// accepted: not "+0" or "-0", not "1.5", not "+3".
func ParseGASLevel(s string) (int, bool) {
	switch s {
	case "-2", "\u22122":
		return -2, true
	case "-1", "\u22121":
		return -1, true
	case "0":
		return 0, true
	case "1", "+1":
		return 1, true
	case "2", "+2":
		return 2, true
	}
	return 0, false
}

// FormatGASLevel formats a GAS level with an explicit sign for positive
// levels and the ASCII hyphen-minus for negative ones: "+2", "+1", "0",
// "-1", "-2".
func FormatGASLevel(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// GASWeightOrDefault is the goal's weight in the T-score: its GASWeight, else 1.
func (g Goal) GASWeightOrDefault() float64 {
	if g.GASWeight == nil {
		return 1
	}
	return float64(*g.GASWeight)
}
