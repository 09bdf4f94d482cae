package commands

import (
	"math"
	"testing"

	"smallgoals"
)

// The T-score over each goal's latest revision, weighed by the borger's
// weights, and only from two goals on.
func TestGASScore(t *testing.T) {
	three := 3
	goals := []smallgoals.Goal{{ID: 1, GASWeight: &three}, {ID: 2}}
	rev := func(goal int64, level int) smallgoals.Revision {
		return smallgoals.Revision{GoalID: goal, GASLevel: level}
	}
	for _, tc := range []struct {
		name      string
		revisions []smallgoals.Revision
		goals     int
		level     int
		t         float64
	}{
		{"none", nil, 0, 0, 0},
		{"one goal: its level, no T-score", []smallgoals.Revision{rev(1, -2), rev(1, 1)}, 1, 1, 0},
		// 50 + 10·(3·2 + 1·(−1)) / √(0.7·(9+1) + 0.3·(3+1)²) = 64.56
		{"weighed", []smallgoals.Revision{rev(1, 0), rev(2, -1), rev(1, 2)}, 2, 0, 64.56},
		// Unweighed, as design §3: {−1, +2} → 50 + 10·1/√(0.7·2 + 0.3·4) = 56.20
		{"a goal not listed weighs 1", []smallgoals.Revision{rev(3, -1), rev(2, 2)}, 2, 0, 56.20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := gasScore(goals, tc.revisions)
			if got.goals != tc.goals || got.level != tc.level || math.Abs(got.t-tc.t) > 0.005 {
				t.Errorf("gasScore = %+v, want goals %d level %d t %.2f", got, tc.goals, tc.level, tc.t)
			}
		})
	}
}
