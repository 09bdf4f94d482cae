package commands

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"smallgoals"
)

// command is one entry of the command table. The same entry drives the
// parser, the help text (help.<id>, usage.<id> in the message files) and
// the reserved words that can never be aliases.
type command struct {
	id   string
	da   []string // Danish keyword paths, e.g. "borger ny"; the first is shown
	en   []string // English keyword paths
	opts []option
	run  func(*call) (Reply, error)
	// writes tells that a success changes what the user sees elsewhere
	// (App Home).
	writes bool
}

// option is a key:value option; keys are its spellings in both languages.
type option struct {
	name string
	keys []string
}

// parsed is a command line taken apart.
type parsed struct {
	cmd  *command
	lang string            // the language of the keyword typed, "" if it tells none
	args []string          // the words after the keywords, options removed
	opts map[string]string // option name -> value

	// From a form rather than a typed line:
	free      *string // the free text (note, title, reflection) whole
	citizenID int64   // the citizen chosen
	goalID    int64   // the goal chosen
}

// parseError is a line the parser cannot take; msgID names the message.
type parseError struct {
	msgID string
	data  map[string]any
	cmd   *command // the command whose usage to show, if known
	lang  string
}

// parse splits text (what follows the command name) into a command, its
// arguments and its options. It never fails on any input: a line it
// cannot take gives a parseError.
func parse(text string) (parsed, *parseError) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return parsed{cmd: cmdHelp}, nil
	}
	var (
		best     *command
		bestLang string
		bestLen  int
	)
	for _, c := range table {
		for _, paths := range [][]string{c.da, c.en} {
			for _, p := range paths {
				kw := strings.Fields(p)
				if len(kw) > bestLen && hasPrefixFold(words, kw) {
					best, bestLen = c, len(kw)
					bestLang = keywordLang(c, p)
				}
			}
		}
	}
	var p parsed
	switch {
	case best != nil:
		p = parsed{cmd: best, lang: bestLang}
		words = words[bestLen:]
	case isGoalRef(words[0]) && len(words) == 1:
		p = parsed{cmd: cmdShow} // /maal AB-1: the goal, as vis AB-1
	case isGoalRef(words[0]):
		p = parsed{cmd: cmdLog}
	case len(words) == 1 && isAlias(words[0]):
		p = parsed{cmd: cmdOverview}
	case isAlias(words[0]) && len(words) > 1 && scoreOrOption(words[1]):
		if r, ok := dashless(words[0]); ok {
			// AB1 5: meant AB-1, most likely (AB1 may be an alias too).
			return parsed{}, &parseError{msgID: "err.ref_dash", cmd: cmdLog,
				data: map[string]any{"Ref": r, "Typed": smallgoals.AliasKey(words[0]), "Score": clip(words[1], 10)}}
		}
		return parsed{}, &parseError{msgID: "err.ref_needed", data: map[string]any{"Alias": smallgoals.AliasKey(words[0])}, cmd: cmdLog}
	default:
		return parsed{}, &parseError{msgID: "err.unknown_command", data: map[string]any{"Word": clip(words[0], 20), "Suggest": nearest(words[0])}}
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if p.cmd == cmdLog && i > 0 {
			if k, v, ok := strings.Cut(w, "="); ok && !strings.Contains(k, ":") {
				if _, _, opt := p.cmd.option(k + ":" + v); opt {
					w = k + ":" + v // b=7 as b:7
				}
			}
		}
		if name, value, ok := p.cmd.option(w); ok {
			if name == "date" && strings.EqualFold(value, "i") && i+1 < len(words) {
				// dato:i går, dato:i forgårs: the day in two words.
				if _, ok := dayWords[strings.ToLower("i "+words[i+1])]; ok {
					value, i = value+" "+words[i+1], i+1
				}
			}
			if value == "" {
				return parsed{}, &parseError{msgID: "err.option_empty", data: map[string]any{"Option": clip(w, 20)}, cmd: p.cmd, lang: p.lang}
			}
			if p.opts == nil {
				p.opts = map[string]string{}
			}
			if _, dup := p.opts[name]; dup {
				return parsed{}, &parseError{msgID: "err.option_twice", data: map[string]any{"Option": clip(w, 20)}, cmd: p.cmd, lang: p.lang}
			}
			p.opts[name] = value
			continue
		}
		p.args = append(p.args, w)
	}
	if p.cmd == cmdLog {
		for i := 1; i < len(p.args); i++ {
			if perr := citizenSpelling(p.args, i); perr != nil {
				return parsed{}, perr
			}
		}
	}
	return p, nil
}

// option reports whether word is one of the command's key:value options.
func (c *command) option(word string) (name, value string, ok bool) {
	key, value, found := strings.Cut(word, ":")
	if !found || key == "" {
		return "", "", false
	}
	key = strings.ToLower(key)
	for _, o := range c.opts {
		for _, k := range o.keys {
			if k == key {
				return o.name, value, true
			}
		}
	}
	return "", "", false
}

// keywordLang tells which language a keyword path is in, or "" when both
// languages spell it the same ("team", "plan").
func keywordLang(c *command, path string) string {
	inDa, inEn := contains(c.da, path), contains(c.en, path)
	switch {
	case inDa && !inEn:
		return smallgoals.LangDanish
	case inEn && !inDa:
		return smallgoals.LangEnglish
	}
	return ""
}

func hasPrefixFold(words, kw []string) bool {
	if len(words) < len(kw) {
		return false
	}
	for i, k := range kw {
		if !strings.EqualFold(words[i], k) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isGoalRef(w string) bool {
	r, ok := smallgoals.ParseRef(w)
	return ok && !r.Plan
}

func isAlias(w string) bool {
	_, err := smallgoals.CheckAlias(w)
	return err == nil && !reserved[smallgoals.AliasKey(w)]
}

func isNumber(w string) bool {
	_, ok := parseInt(w)
	return ok
}

// parseInt reads a whole number with an optional sign; the Unicode minus
// counts as a minus.
func parseInt(s string) (int, bool) {
	s = strings.Replace(s, "−", "-", 1)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// clip shortens s to at most n runes, for echoing a word back.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// reserved holds every keyword in the table, folded like aliases: none of
// them can be an alias.
var reserved = map[string]bool{}

// reserve fills reserved from the table; table.go's init calls it once the
// table is built.
func reserve() {
	for _, c := range table {
		for _, paths := range [][]string{c.da, c.en} {
			for _, p := range paths {
				for _, w := range strings.Fields(p) {
					reserved[smallgoals.AliasKey(w)] = true
				}
			}
		}
	}
	for _, w := range futureKeywords {
		reserved[smallgoals.AliasKey(w)] = true
	}
}

// futureKeywords are keywords of the contract not yet in the table; they
// are reserved now so no alias is created that a later command takes.
var futureKeywords = []string{
	"koordinator", "coordinator", "indstil", "set", "kontakt", "contact", "frist", "due",
	"graf", "chart", "eksport", "export", "fri", "away", "til", "until", "slut", "end",
	"adgangslog", "audit", "slet", "delete", "bekræft", "confirm", "tving", "force",
}

// scoreOrOption reports whether w, after an alias, makes the line look
// like a score (AB 5, AB1 b:6).
func scoreOrOption(w string) bool {
	if scoreLike(w) {
		return true
	}
	_, _, ok := cmdLog.option(w)
	return ok
}

// dashless reads AB1 as the ref AB-1 it most likely means: an alias,
// then digits.
func dashless(w string) (string, bool) {
	i := strings.IndexFunc(w, unicode.IsDigit)
	if i < 1 || !isAlias(w[:i]) {
		return "", false
	}
	n, ok := parseInt(w[i:])
	if !ok || n < 1 || strings.ContainsAny(w[i:], "+-−") {
		return "", false
	}
	return smallgoals.Ref{Alias: smallgoals.AliasKey(w[:i]), N: n}.String(), true
}

// citizenSpelling refuses the borger's score written without its colon
// where words[i] starts it: b7 (c7), or B 7 as two words. Taken as b:7
// it would be a guess (B 7 may be prose); stored as note text, the score
// would be lost. (b=7 and borger:7 are understood as b:7.)
func citizenSpelling(words []string, i int) *parseError {
	w := words[i]
	if w == "" || !strings.ContainsRune("bBcC", rune(w[0])) {
		return nil
	}
	var typed, value string
	switch {
	case len(w) > 1 && isNumber(w[1:]):
		typed, value = w, w[1:]
	case len(w) == 1 && i+1 < len(words) && isNumber(words[i+1]):
		typed, value = w+" "+words[i+1], words[i+1]
	default:
		return nil
	}
	return &parseError{msgID: "err.citizen_colon", cmd: cmdLog, data: map[string]any{"Typed": clip(typed, 12), "Value": clip(value, 8)}}
}

// suggestion is the command nearest a mistyped word, as its spelling in
// each language; a reply shows the one of its own language (in), so a
// user writing English is never offered a Danish keyword.
type suggestion struct{ da, en string }

func (s suggestion) in(lang string) string {
	if lang == smallgoals.LangEnglish {
		return s.en
	}
	return s.da
}

// nearest is the command closest to the word typed (edit distance over
// every keyword's first word, in both languages), as its first spelling
// in each language: the first word alone when only that matched.
func nearest(word string) suggestion {
	word = strings.ToLower(word)
	var best suggestion
	bestD := -1
	for _, c := range table {
		for _, paths := range [][]string{c.da, c.en} {
			for _, p := range paths {
				first, _, _ := strings.Cut(p, " ")
				if d := distance(word, first); bestD < 0 || d < bestD {
					best, bestD = suggestion{c.da[0], c.en[0]}, d
					if first == p {
						best.da, _, _ = strings.Cut(c.da[0], " ")
						best.en, _, _ = strings.Cut(c.en[0], " ")
					}
				}
			}
		}
	}
	return best
}

// mistyped reports whether a word alone, found to be no borger's alias,
// may be a keyword mistyped: not when it is as short as initials (AB, XY,
// ÅSE stay unknown aliases; two letters are one edit from "ny").
func mistyped(word string) bool {
	return utf8.RuneCountInString(word) > 3
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// dayWords are the days typed as words, by how many days back they are.
var dayWords = map[string]int{
	"idag": 0, "i dag": 0, "i-dag": 0, "today": 0,
	"igår": 1, "i går": 1, "i-går": 1, "igaar": 1, "i gaar": 1, "i-gaar": 1, "yesterday": 1,
	"iforgårs": 2, "i forgårs": 2, "i-forgårs": 2, "iforgaars": 2, "i forgaars": 2, "i-forgaars": 2,
}

// dayWord reads a day an entry is about as a busy shift types it,
// relative to today (a civil date): i går, iforgårs, yesterday; a
// weekday name (settings.go's weekdays), the latest one before today (mandag on a Monday is a week
// ago: today needs no dato:); a day and month without a year (24.12,
// 24.12., 24/12), the latest such date not after today.
func dayWord(v string, today time.Time) (time.Time, bool) {
	lv := strings.ToLower(v)
	if n, ok := dayWords[lv]; ok {
		return today.AddDate(0, 0, -n), true
	}
	if wd, ok := weekdays[lv]; ok {
		back := (int(today.Weekday()) - int(wd) + 7) % 7
		if back == 0 {
			back = 7
		}
		return today.AddDate(0, 0, -back), true
	}
	day, month, ok := strings.Cut(strings.TrimSuffix(v, "."), ".")
	if !ok {
		day, month, ok = strings.Cut(v, "/")
	}
	if !ok {
		return time.Time{}, false
	}
	for y := today.Year(); y >= today.Year()-8; y-- { // 29.2 is up to 8 years back
		if d, ok := smallgoals.ParseDate(day + "." + month + "." + fourDigits(y)); ok && !d.After(today) {
			return d, true
		}
	}
	return time.Time{}, false
}

func fourDigits(y int) string {
	return fmt.Sprintf("%04d", y)
}
