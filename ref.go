package smallgoals

import (
	"cmp"
	"strconv"
	"strings"
	"unicode/utf8"
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

// CompareAliases orders two aliases as a Danish reader expects: by their
// keys (AliasKey, so case does not matter), character by character, digits
// before letters, A to Z, then Æ, Ø, Å. It is the order of the store's
// ORDER BY translate(alias_key, 'ÆØÅ', '[\]') COLLATE "C", so a list sorted
// in Go and one sorted by the database agree. Digits in an alias compare
// as characters, as there ("A10" before "A2"). It returns -1, 0 or +1.
func CompareAliases(a, b string) int {
	a, b = AliasKey(a), AliasKey(b)
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if c := cmp.Compare(aliasRank(ra), aliasRank(rb)); c != 0 {
			return c
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

// aliasRank places Æ, Ø and Å right after Z, where the store's translate
// puts them ('[', '\', ']'), and every other rune after Z three places up,
// so that distinct runes never tie.
func aliasRank(r rune) rune {
	switch {
	case r == 'Æ':
		return 'Z' + 1
	case r == 'Ø':
		return 'Z' + 2
	case r == 'Å':
		return 'Z' + 3
	case r > 'Z':
		return r + 3
	}
	return r
}

// CompareRefs orders refs naturally: by alias (CompareAliases), a
// citizen's small goals before their plan goals, then by number, so AB-2
// comes before AB-10 and ZOE-1 before ÆBLE-1. It returns -1, 0 or +1;
// sort with slices.SortFunc(refs, CompareRefs).
func CompareRefs(a, b Ref) int {
	if c := CompareAliases(a.Alias, b.Alias); c != 0 {
		return c
	}
	if a.Plan != b.Plan {
		if a.Plan {
			return 1
		}
		return -1
	}
	return cmp.Compare(a.N, b.N)
}
