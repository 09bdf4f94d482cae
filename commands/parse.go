package commands

import (
	"strings"
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
	case isGoalRef(words[0]):
		p = parsed{cmd: cmdLog}
	case len(words) == 1 && isAlias(words[0]):
		p = parsed{cmd: cmdOverview}
	case isAlias(words[0]) && len(words) > 1 && isNumber(words[1]):
		return parsed{}, &parseError{msgID: "err.ref_needed", data: map[string]any{"Alias": smallgoals.AliasKey(words[0])}, cmd: cmdLog}
	default:
		return parsed{}, &parseError{msgID: "err.unknown_command", data: map[string]any{"Word": clip(words[0], 20)}}
	}
	for _, w := range words {
		if name, value, ok := p.cmd.option(w); ok {
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
