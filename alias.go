package smallgoals

import (
	"strings"
	"unicode/utf8"
)

// MaxAliasLen is the most runes a citizen's alias may have.
const MaxAliasLen = 16

// maxAliasEcho is the most runes of a rejected alias put in the error.
const maxAliasEcho = 20

// AliasKey folds an alias for matching: Unicode NFC, then upper case. It is
// the value stored in the key column and compared; the database's collation
// is never relied on.
//
// Full NFC would need golang.org/x/text, and the domain imports only the
// standard library. It is not needed: of the alias alphabet (A–Z, Æ, Ø, Å,
// 0–9, either case), only Å and å have a canonical decomposition (A or a
// followed by U+030A COMBINING RING ABOVE); Æ, Ø and the digits have none.
// The only other characters whose NFC form lies in the alphabet are the
// singletons U+212B ANGSTROM SIGN (→ Å) and U+212A KELVIN SIGN (→ K). So
// composing those, as below, is the whole of NFC for strings that can be
// valid aliases; strings it leaves unnormalized can never be valid.
func AliasKey(s string) string {
	if strings.ContainsAny(s, "\u030A\u212A\u212B") {
		var b strings.Builder
		b.Grow(len(s))
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case (r == 'A' || r == 'a') && strings.HasPrefix(s[i+n:], "\u030A"):
				if r == 'A' {
					b.WriteRune('Å')
				} else {
					b.WriteRune('å')
				}
				n += len("\u030A")
			case r == '\u212B': // ANGSTROM SIGN
				b.WriteRune('Å')
			case r == '\u212A': // KELVIN SIGN
				b.WriteByte('K')
			default:
				b.WriteString(s[i : i+n])
			}
			i += n
		}
		s = b.String()
	}
	return strings.ToUpper(s)
}

// CheckAlias checks a citizen's alias as typed and returns its key (see
// AliasKey). Surrounding white space is ignored. A valid alias is 1 to
// MaxAliasLen characters of A–Z, Æ, Ø, Å and 0–9, in either case, starting
// with a letter. Otherwise the error has code EINVALID, message
// "alias.invalid" and the input (at most 20 runes) as "Alias" — left empty
// if it looks like a CPR number, which is never echoed.
func CheckAlias(s string) (string, error) {
	s = strings.TrimSpace(s)
	if key := AliasKey(s); validAliasKey(key) && validAliasRunes(s) {
		return key, nil
	}
	echo := s
	if utf8.RuneCountInString(echo) > maxAliasEcho {
		echo = string([]rune(echo)[:maxAliasEcho])
	}
	if ContainsCPR(s) || ContainsCPR(echo) {
		echo = ""
	}
	return "", Errorf(EINVALID, "alias.invalid", "Alias", echo)
}

// validAliasKey reports whether key is a folded alias: 1 to MaxAliasLen
// runes of A–Z, Æ, Ø, Å and 0–9, the first a letter.
func validAliasKey(key string) bool {
	n := 0
	for _, r := range key {
		n++
		switch {
		case n > MaxAliasLen:
			return false
		case 'A' <= r && r <= 'Z', r == 'Æ', r == 'Ø', r == 'Å':
		case '0' <= r && r <= '9' && n > 1:
		default:
			return false
		}
	}
	return n > 0
}

// validAliasRunes reports whether s, before upper-casing, holds only
// characters that fold into the alphabet by NFC and case alone. It keeps
// out letters that strings.ToUpper maps into A–Z but that are other
// letters, such as U+0131 dotless ı (→ I) and U+017F long ſ (→ S).
func validAliasRunes(s string) bool {
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		case r == 'Æ', r == 'æ', r == 'Ø', r == 'ø', r == 'Å', r == 'å':
		case r == '\u030A', r == '\u212A', r == '\u212B':
		default:
			return false
		}
	}
	return true
}
