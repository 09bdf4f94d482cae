package smallgoals

import (
	"unicode"
	"unicode/utf8"
)

// ContainsCPR reports whether the free text s contains something a person
// would read as a Danish CPR number: a date of birth followed by four
// digits. The date is DDMMYY (any century) or DDMMYYYY (1850–2099), its
// digits in one group or several (01.01.90, 01 01 90, 01-01-1990); the
// four digits are one group of their own, or the ten digits (twelve with a
// four-digit year) are written as one. Between two groups stands a
// separator: up to three spaces of any kind (tab, line break, no-break
// space …), with at most one dash of any kind, dot or slash among them.
//
// It reads digits of every script (full-width, Arabic-Indic, …) by their
// value and ignores invisible format characters (zero-width spaces and
// joiners, soft hyphens, byte-order marks, bidirectional controls), so the
// verdict does not depend on how the text was typed or normalised.
//
// Each group of digits is whole: a longer run of digits (an account number,
// an 11-digit number) is not a CPR number, nor is a date followed by a
// time (01.01.2024 10.30: the four digits are not one group).
//
// No modulus-11 check is made: CPR numbers issued since 2007 need not pass
// it, so it would let real numbers through. A false alarm only asks the user
// to rephrase; a miss stores personal data.
func ContainsCPR(s string) bool {
	var (
		chain []cprGroup // the groups linked by separators so far, the latest last
		buf   [12]byte
	)
	for i := 0; i < len(s); {
		g, next, linked := nextDigitGroup(s, i)
		if next < 0 {
			return false
		}
		if !linked {
			chain = chain[:0]
		}
		if len(chain) == maxCPRGroups {
			chain = append(chain[:0], chain[1:]...)
		}
		chain = append(chain, g)
		if endsCPR(chain, buf[:0]) {
			return true
		}
		i = next
	}
	return false
}

// maxCPRGroups is the most groups a CPR number is written in: a date of
// eight single digits and the serial.
const maxCPRGroups = 9

// cprGroup is a maximal run of digits: their values (at most the first 13:
// a longer run is never part of a CPR number) and how many there were.
type cprGroup struct {
	digits [13]byte
	n      int
}

// endsCPR reports whether the last group of the chain ends a CPR number
// that starts at one of the chain's groups.
func endsCPR(chain []cprGroup, buf []byte) bool {
	last := chain[len(chain)-1]
	switch {
	case last.n == 10 && validCPRDate(last.digits[:6]):
		return true
	case last.n == 12 && validCPRDate8(last.digits[:8]):
		return true
	case last.n != 4:
		return false
	}
	// The four digits of the serial: is the date before them, in the
	// groups just before, six or eight digits in all?
	n := 0
	for k := len(chain) - 2; k >= 0 && n < 8; k-- {
		n += chain[k].n
		if n != 6 && n != 8 {
			continue
		}
		buf = buf[:0]
		for _, g := range chain[k : len(chain)-1] {
			buf = append(buf, g.digits[:g.n]...)
		}
		if (n == 6 && validCPRDate(buf)) || (n == 8 && validCPRDate8(buf)) {
			return true
		}
	}
	return false
}

// nextDigitGroup finds the next run of digits at or after i. It returns
// the run, the offset just after it (-1 if there is none) and whether it
// is linked to the run before it (the text between them from i is a
// separator; i must then be the end of that run).
func nextDigitGroup(s string, i int) (g cprGroup, next int, linked bool) {
	spaces, marks, other := 0, 0, false
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if _, ok := digitValue(r); ok {
			break
		}
		switch {
		case IsInvisible(r):
		case unicode.IsSpace(r):
			spaces++
		case IsDash(r) || r == '.' || r == '/':
			marks++
		default:
			other = true
		}
		i += w
	}
	if i >= len(s) {
		return g, -1, false
	}
	linked = !other && marks <= 1 && spaces <= 3 && spaces+marks > 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if v, ok := digitValue(r); ok {
			if g.n < len(g.digits) {
				g.digits[g.n] = v
			}
			g.n++
		} else if !IsInvisible(r) {
			break
		}
		i += w
	}
	return g, i, linked
}

// digitValue returns the value of a decimal digit of any script. Unicode
// encodes each script's digits 0–9 as consecutive code points, so a
// digit's value is its distance from the first of its run, modulo 10.
func digitValue(r rune) (byte, bool) {
	if '0' <= r && r <= '9' {
		return byte(r - '0'), true
	}
	if r < 0x80 || !unicode.IsDigit(r) {
		return 0, false
	}
	zero := r
	for unicode.IsDigit(zero - 1) {
		zero--
	}
	return byte((r - zero) % 10), true
}

// IsDash reports whether r is a dash of any kind, the minus sign included
// (one classification for the CPR detector and the text normalisation).
func IsDash(r rune) bool {
	return r == '-' || r == '\u2212' || unicode.Is(unicode.Pd, r)
}

// IsInvisible reports whether r is a format character (zero-width space
// and joiners, soft hyphen, word joiner, byte-order mark, bidirectional
// controls): nothing a reader sees.
func IsInvisible(r rune) bool {
	return r >= 0x80 && unicode.Is(unicode.Cf, r)
}

// validCPRDate reports whether the six digits d (values 0–9) form DDMMYY,
// a valid date in some century. 29 February is allowed when YY is
// divisible by 4: then 20YY is a leap year (2000 included), even where
// 19YY is not (1900).
func validCPRDate(d []byte) bool {
	year := int(d[4])*10 + int(d[5])
	return validDayMonth(d, year%4 == 0)
}

// validCPRDate8 reports whether the eight digits d form DDMMYYYY with a
// year from 1850 to 2099.
func validCPRDate8(d []byte) bool {
	year := int(d[4])*1000 + int(d[5])*100 + int(d[6])*10 + int(d[7])
	if year < 1850 || year > 2099 {
		return false
	}
	return validDayMonth(d, year%4 == 0 && (year%100 != 0 || year%400 == 0))
}

func validDayMonth(d []byte, leap bool) bool {
	day := int(d[0])*10 + int(d[1])
	month := int(d[2])*10 + int(d[3])
	if day < 1 || month < 1 || month > 12 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && leap {
		days = 29
	}
	return day <= days
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
