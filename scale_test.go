package smallgoals

import (
	"fmt"
	"testing"
)

func TestParseScale(t *testing.T) {
	gas := Scale{-2, 2}
	tests := []struct {
		in   string
		want Scale
		ok   bool
	}{
		{"1-10", Scale{1, 10}, true},
		{"0-10", Scale{0, 10}, true},
		{"1-5", Scale{1, 5}, true},
		{"1..10", Scale{1, 10}, true},
		{"1\u201310", Scale{1, 10}, true},
		{"-2-2", gas, true},
		{"-2..2", gas, true},
		{"-2..+2", gas, true},
		{"-2-+2", gas, true},
		{"\u22122-+2", gas, true},
		{"\u22122..2", gas, true},
		{"-2\u2013+2", gas, true},
		{"gas", gas, true},
		{"GAS", gas, true},
		{"Gas", gas, true},
		{"1-7", Scale{}, false},
		{"10-1", Scale{}, false},
		{"2--2", Scale{}, false},
		{"-2--2", Scale{}, false},
		{"0-5", Scale{}, false},
		{"", Scale{}, false},
		{"a-b", Scale{}, false},
		{"1", Scale{}, false},
		{"1-", Scale{}, false},
		{"-10", Scale{}, false},
		{"1-10-", Scale{}, false},
		{"1 - 10", Scale{}, false},
		{"1...10", Scale{}, false},
		{"001-10", Scale{}, false},
		{"1-0010", Scale{}, false},
		{"gass", Scale{}, false},
		{"1-99999999999999999999", Scale{}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, ok := ParseScale(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseScale(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestScaleMethods(t *testing.T) {
	tests := []struct {
		s     Scale
		str   string
		gas   bool
		valid bool
		in    []int
		notIn []int
	}{
		{Scale{1, 10}, "1–10", false, true, []int{1, 5, 10}, []int{0, 11, -1}},
		{Scale{0, 10}, "0–10", false, true, []int{0, 10}, []int{-1, 11}},
		{Scale{1, 5}, "1–5", false, true, []int{1, 5}, []int{0, 6}},
		{Scale{-2, 2}, "-2–+2", true, true, []int{-2, 0, 2}, []int{-3, 3}},
		{Scale{1, 7}, "1–7", false, false, []int{1, 7}, []int{8}},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			if got := tt.s.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.s.IsGAS(); got != tt.gas {
				t.Errorf("IsGAS() = %v, want %v", got, tt.gas)
			}
			if got := tt.s.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			for _, n := range tt.in {
				if !tt.s.Contains(n) {
					t.Errorf("Contains(%d) = false, want true", n)
				}
			}
			for _, n := range tt.notIn {
				if tt.s.Contains(n) {
					t.Errorf("Contains(%d) = true, want false", n)
				}
			}
			if got, ok := ParseScale(tt.str); ok != tt.valid || (ok && got != tt.s) {
				t.Errorf("ParseScale(String()) = %v, %v", got, ok)
			}
		})
	}
	if DefaultScale != (Scale{1, 10}) {
		t.Errorf("DefaultScale = %v, want {1 10}", DefaultScale)
	}
}
