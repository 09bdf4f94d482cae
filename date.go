package smallgoals

import (
	"strconv"
	"strings"
	"time"
)

// A civil date (a day, not an instant) is represented throughout as a
// time.Time at midnight UTC of that date.

// ParseDate parses a date as typed: YYYY-MM-DD, D.M.YYYY or D/M-YYYY (day
// and month of one or two digits in the last two). It returns the civil
// date as midnight UTC. Invalid dates (2026-02-30), years of other than
// four digits, year 0000 and anything else, white space included, are
// rejected.
func ParseDate(s string) (time.Time, bool) {
	var y, m, d int
	var ok bool
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, ok = dateNum(s[:4], 4, 4)
		if ok {
			m, ok = dateNum(s[5:7], 2, 2)
		}
		if ok {
			d, ok = dateNum(s[8:], 2, 2)
		}
	case strings.Count(s, ".") == 2:
		parts := strings.Split(s, ".")
		y, m, d, ok = dmy(parts[0], parts[1], parts[2])
	case strings.Count(s, "/") == 1 && strings.Count(s, "-") == 1:
		day, rest, _ := strings.Cut(s, "/")
		month, year, found := strings.Cut(rest, "-")
		if found {
			y, m, d, ok = dmy(day, month, year)
		}
	}
	if !ok || y < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false // time.Date normalized an invalid date
	}
	return t, true
}

// dmy parses a day and month of one or two digits and a year of four.
func dmy(day, month, year string) (y, m, d int, ok bool) {
	if d, ok = dateNum(day, 1, 2); !ok {
		return
	}
	if m, ok = dateNum(month, 1, 2); !ok {
		return
	}
	y, ok = dateNum(year, 4, 4)
	return
}

// dateNum parses s as min to max ASCII digits.
func dateNum(s string, min, max int) (int, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// Day returns the civil date of the instant t in loc, as midnight UTC. A
// nil loc means UTC.
func Day(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FormatDate formats the civil date d (midnight UTC) as YYYY-MM-DD. It
// reads d in UTC, so the same instant held in another location formats the
// same.
func FormatDate(d time.Time) string {
	return d.UTC().Format(time.DateOnly)
}
