package smallgoals

// ContainsCPR reports whether the free text s contains something that looks
// like a Danish CPR number: six digits forming a valid calendar date
// (DDMMYY, any century) followed by four digits, written as DDMMYY-XXXX,
// DDMMYY XXXX or DDMMYYXXXX. Besides the ASCII hyphen-minus, the Unicode
// hyphen U+2010 and the en dash U+2013 are accepted as the separator.
//
// Each group of digits must stand alone: the character before the date and
// the one after the last four digits must not be an ASCII digit, so a longer
// run of digits (an account number, an 11-digit number) is not a CPR number.
//
// No modulus-11 check is made: CPR numbers issued since 2007 need not pass
// it, so it would let real numbers through. A false alarm only asks the user
// to rephrase; a miss stores personal data.
func ContainsCPR(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		n := digitRun(s, i)
		switch n {
		case 10:
			if validCPRDate(s[i : i+6]) {
				return true
			}
		case 6:
			j := i + 6
			w := cprSeparator(s[j:])
			if w == 0 {
				break
			}
			j += w
			if digitRun(s, j) == 4 && validCPRDate(s[i:i+6]) {
				return true
			}
		}
		i += n - 1 // skip the rest of this run
	}
	return false
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// digitRun returns the number of ASCII digits in s starting at i.
func digitRun(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j - i
}

// cprSeparator returns the length in bytes of the separator at the start of
// s, or 0 if s does not start with one.
func cprSeparator(s string) int {
	switch {
	case len(s) >= 1 && (s[0] == '-' || s[0] == ' '):
		return 1
	case len(s) >= 3 && s[:3] == "\u2010", // HYPHEN
		len(s) >= 3 && s[:3] == "\u2013": // EN DASH
		return 3
	}
	return 0
}

// validCPRDate reports whether the six ASCII digits d form DDMMYY, a valid
// date in some century. 29 February is allowed when YY is divisible by 4:
// then 20YY is a leap year (2000 included), even where 19YY is not (1900).
func validCPRDate(d string) bool {
	day := int(d[0]-'0')*10 + int(d[1]-'0')
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	year := int(d[4]-'0')*10 + int(d[5]-'0')
	if day < 1 || month < 1 || month > 12 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 {
		days = 29
	}
	return day <= days
}
