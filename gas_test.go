package smallgoals

import (
	"fmt"
	"math"
	"testing"
)

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func TestTScore(t *testing.T) {
	tests := []struct {
		name    string
		levels  []int
		weights []float64
		want    float64
		ok      bool
	}{
		{"three goals all +1", []int{1, 1, 1}, nil, 63.69, true},
		{"three goals all -2", []int{-2, -2, -2}, nil, 22.61, true},
		{"four mixed", []int{-1, 0, 1, 2}, nil, 57.25, true},
		{"all expected", []int{0, 0, 0, 0}, nil, 50, true},
		{"explicit unit weights", []int{1, 1, 1}, []float64{1, 1, 1}, 63.69, true},
		{"short weights default to 1", []int{1, 1, 1}, []float64{1}, 63.69, true},
		{"empty weights default to 1", []int{-1, 0, 1, 2}, []float64{}, 57.25, true},
		{"uniform weights scale out", []int{-1, 0, 1, 2}, []float64{3, 3, 3, 3}, 57.25, true},
		// Σwx = 2·1 + 1·(−1) = 1; √(0.7·5 + 0.3·9) = √6.2 → 50 + 10/2.49 = 54.02
		{"weighted", []int{1, -1}, []float64{2, 1}, 54.02, true},
		{"zero weight ignores goal", []int{2, -2}, []float64{1, 0}, 70, true},
		{"no levels", nil, nil, 0, false},
		{"empty levels", []int{}, []float64{1}, 0, false},
		{"all weights zero", []int{1, 2}, []float64{0, 0}, 0, false},
		{"NaN weight", []int{1}, []float64{math.NaN()}, 0, false},
		{"infinite weight", []int{1, 1}, []float64{math.Inf(1), 1}, 0, false},
	}
	for x := GASMin; x <= GASMax; x++ {
		tests = append(tests, struct {
			name    string
			levels  []int
			weights []float64
			want    float64
			ok      bool
		}{fmt.Sprintf("one goal at %+d", x), []int{x}, nil, float64(50 + 10*x), true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := TScore(tt.levels, tt.weights)
			if ok != tt.ok || round2(got) != tt.want {
				t.Errorf("TScore(%v, %v) = %.4f, %v; want %.2f, %v", tt.levels, tt.weights, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseGASLevel(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"-2", -2, true},
		{"-1", -1, true},
		{"0", 0, true},
		{"+1", 1, true},
		{"+2", 2, true},
		{"1", 1, true},
		{"2", 2, true},
		{"\u22122", -2, true},
		{"\u22121", -1, true},
		{"3", 0, false},
		{"+3", 0, false},
		{"-3", 0, false},
		{"1.5", 0, false},
		{"", 0, false},
		{"--1", 0, false},
		{"+-1", 0, false},
		{"-0", 0, false},
		{"+0", 0, false},
		{" 1", 0, false},
		{"\u2013" + "1", 0, false}, // en dash is not a minus
		{"01", 0, false},
		{"to", 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, ok := ParseGASLevel(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseGASLevel(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFormatGASLevel(t *testing.T) {
	tests := []struct {
		in   int
		want string
	}{
		{-2, "-2"},
		{-1, "-1"},
		{0, "0"},
		{1, "+1"},
		{2, "+2"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := FormatGASLevel(tt.in)
			if got != tt.want {
				t.Errorf("FormatGASLevel(%d) = %q, want %q", tt.in, got, tt.want)
			}
			if n, ok := ParseGASLevel(got); !ok || n != tt.in {
				t.Errorf("ParseGASLevel(FormatGASLevel(%d)) = %d, %v", tt.in, n, ok)
			}
		})
	}
}

func TestCitizenTScore(t *testing.T) {
	if _, ok := CitizenTScore(GASGoals{Levels: []int{1}}); ok {
		t.Error("a T-score from one goal")
	}
	if v, ok := CitizenTScore(GASGoals{Levels: []int{2, -2}, Weights: []float64{3, 1}}); !ok || math.Abs(v-61.64) > 0.01 {
		t.Errorf("weighted 3:1 of +2, -2 = %v %v, want 61.64", v, ok)
	}
}
