package smallgoals

import (
	"strconv"
	"strings"
)

// Scale is the closed range of scores a goal is scored on.
type Scale struct {
	Min, Max int
}

// DefaultScale is the scale of a goal created without "skala:".
var DefaultScale = Scale{1, 10}

// GASScale is the Goal Attainment Scaling scale, −2..+2.
var GASScale = Scale{GASMin, GASMax}

// allowedScales are the only scales a goal may have.
var allowedScales = [...]Scale{{1, 10}, {0, 10}, {1, 5}, {GASMin, GASMax}}

// ParseScale parses a scale as typed after "skala:": "1-10", "0-10", "1-5",
// or GAS as "-2-2", "-2..2", "-2..+2", "-2-+2" or "gas" (any case). A minus
// may be the Unicode minus sign U+2212, and the separator may also be an en
// dash, so that String's output parses back. Only the allowed scales
// (1–10, 0–10, 1–5 and GAS) are accepted.
func ParseScale(s string) (Scale, bool) {
	s = strings.ReplaceAll(s, "\u2212", "-")
	if strings.EqualFold(s, "gas") {
		return GASScale, true
	}
	lo, rest, ok := scaleBound(s)
	if !ok {
		return Scale{}, false
	}
	switch {
	case strings.HasPrefix(rest, ".."):
		rest = rest[2:]
	case strings.HasPrefix(rest, "-"):
		rest = rest[1:]
	case strings.HasPrefix(rest, "\u2013"): // EN DASH
		rest = rest[len("\u2013"):]
	default:
		return Scale{}, false
	}
	hi, rest, ok := scaleBound(rest)
	if !ok || rest != "" {
		return Scale{}, false
	}
	if sc := (Scale{lo, hi}); sc.Valid() {
		return sc, true
	}
	return Scale{}, false
}

// scaleBound parses an optionally signed number of one or two digits at the
// start of s and returns it with the rest of s.
func scaleBound(s string) (int, string, bool) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	j := i
	for j < len(s) && j-i < 3 && isDigit(s[j]) {
		j++
	}
	if j == i || j-i > 2 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:j])
	if err != nil {
		return 0, s, false
	}
	return n, s[j:], true
}

// Valid reports whether s is one of the allowed scales.
func (s Scale) Valid() bool {
	for _, a := range allowedScales {
		if s == a {
			return true
		}
	}
	return false
}

// Contains reports whether n is a score on the scale.
func (s Scale) Contains(n int) bool { return s.Min <= n && n <= s.Max }

// IsGAS reports whether s is the GAS scale −2..+2.
func (s Scale) IsGAS() bool { return s == GASScale }

// String formats the scale for people, with an en dash: "1–10", and with
// signs when it spans zero: "-2–+2".
func (s Scale) String() string {
	hi := strconv.Itoa(s.Max)
	if s.Min < 0 && s.Max > 0 {
		hi = "+" + hi
	}
	return strconv.Itoa(s.Min) + "\u2013" + hi
}
