package smallgoals

import (
	"strconv"
	"strings"
)

// Ref names a goal of a citizen: "AB-1" is small goal 1 of citizen AB,
// "AB-P1" is plan goal 1.
type Ref struct {
	Alias string // the folded alias, see AliasKey
	Plan  bool   // a plan goal (handleplan), not a small goal
	N     int    // the goal's number, from 1
}

// maxRefDigits bounds a ref's number.
const maxRefDigits = 6

// ParseRef parses a ref as typed: ALIAS-N or ALIAS-PN, with P in either
// case and the alias matched as CheckAlias does (folded, so "ab-p1" gives
// Alias "AB"). It splits at the last '-'. N is 1 to 6 digits with no sign
// and no leading zero. White space anywhere makes s no ref.
func ParseRef(s string) (Ref, bool) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 || strings.TrimSpace(s) != s {
		return Ref{}, false
	}
	alias, num := s[:i], s[i+1:]
	if strings.TrimSpace(alias) != alias {
		return Ref{}, false
	}
	key, err := CheckAlias(alias)
	if err != nil {
		return Ref{}, false
	}
	r := Ref{Alias: key}
	if num != "" && (num[0] == 'P' || num[0] == 'p') {
		r.Plan = true
		num = num[1:]
	}
	if len(num) == 0 || len(num) > maxRefDigits || num[0] == '0' {
		return Ref{}, false
	}
	for i := 0; i < len(num); i++ {
		if !isDigit(num[i]) {
			return Ref{}, false
		}
	}
	r.N, _ = strconv.Atoi(num) // at most 6 digits: cannot fail
	return r, true
}

// String formats the ref: "AB-1", or "AB-P1" for a plan goal.
func (r Ref) String() string {
	p := ""
	if r.Plan {
		p = "P"
	}
	return r.Alias + "-" + p + strconv.Itoa(r.N)
}
