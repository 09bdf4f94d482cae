package commands_test

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/template"
	"unicode"

	"github.com/BurntSushi/toml"

	"smallgoals/commands"
)

// pluralForms are the CLDR plural categories go-i18n reads as the forms
// of one message; Danish and English have one and other.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// messageFile reads a message file as message ID → its forms ("" for a
// message that is not plural).
func messageFile(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile("locales/" + lang + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s.toml: %v", lang, err)
	}
	out := map[string]map[string]string{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		plural := len(m) > 0
		for k, v := range m {
			if _, ok := v.(string); !ok || !slices.Contains(pluralForms, k) {
				plural = false
			}
		}
		if plural {
			forms := map[string]string{}
			for k, v := range m {
				forms[k] = v.(string)
			}
			out[prefix] = forms
			return
		}
		for k, v := range m {
			id := k
			if prefix != "" {
				id = prefix + "." + k
			}
			switch v := v.(type) {
			case string:
				out[id] = map[string]string{"": v}
			case map[string]any:
				walk(id, v)
			default:
				t.Fatalf("%s.toml: %s is a %T", lang, id, v)
			}
		}
	}
	walk("", raw)
	return out
}

var placeholder = regexp.MustCompile(`\{\{[^}]*?\.([A-Z][A-Za-z]*)`)

// placeholders are the template fields a message's forms use.
func placeholders(forms map[string]string) []string {
	set := map[string]bool{}
	for _, f := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(f, -1) {
			set[m[1]] = true
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The two message files agree: every message is in both, plural in both
// or in neither, a plural message has its one and its other form in each
// language, the languages use the same placeholders (a "one" form may
// say the number in words; a date picks its fields), and every form is a
// valid template.
func TestMessageFilesAgree(t *testing.T) {
	da, en := messageFile(t, "da"), messageFile(t, "en")
	if len(da) < 500 {
		t.Fatalf("read only %d Danish messages: the reader cannot be trusted", len(da))
	}
	plurals := 0
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range da {
			if !yield(id) {
				return
			}
		}
		for id := range en {
			if _, ok := da[id]; !ok && !yield(id) {
				return
			}
		}
	}) {
		d, inDa := da[id]
		e, inEn := en[id]
		if !inDa || !inEn {
			t.Errorf("%s is in only one language (da %v, en %v)", id, inDa, inEn)
			continue
		}
		_, plainDa := d[""]
		_, plainEn := e[""]
		if plainDa != plainEn {
			t.Errorf("%s is plural in one language only", id)
			continue
		}
		if !plainDa {
			plurals++
			for _, lang := range []struct {
				name  string
				forms map[string]string
			}{{"da", d}, {"en", e}} {
				if lang.forms["one"] == "" || lang.forms["other"] == "" {
					t.Errorf("%s in %s has forms %v, want one and other", id, lang.name, slices.Sorted(func(yield func(string) bool) {
						for k := range lang.forms {
							if !yield(k) {
								return
							}
						}
					}))
				}
			}
		}
		// A date's form is the language's own (27.11.2026, 27 Nov 2026):
		// its data has every field.
		if pd, pe := placeholders(d), placeholders(e); !slices.Equal(pd, pe) && !strings.HasPrefix(id, "date.") {
			t.Errorf("%s: placeholders da %v, en %v", id, pd, pe)
		}
		for _, forms := range []map[string]string{d, e} {
			for form, text := range forms {
				if _, err := template.New(id).Parse(text); err != nil {
					t.Errorf("%s %s: %v", id, form, err)
				}
			}
		}
	}
	if plurals < 20 {
		t.Errorf("only %d plural messages: the counted words are not in plural forms", plurals)
	}
	// The loader reads the plural forms as go-i18n does.
	m, err := commands.LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang, noun string
		n          int
		want       string
	}{
		{"da", "entries", 1, "1 registrering"}, {"da", "entries", 3, "3 registreringer"},
		{"en", "entries", 1, "1 entry"}, {"en", "entries", 0, "0 entries"},
		{"da", "goals", 1, "1 lille mål"}, {"da", "goals", 2, "2 små mål"}, {"da", "days", 1, "1 dag"},
	} {
		if got := m.N(c.lang, c.noun, c.n); got != c.want {
			t.Errorf("N(%s, %s, %d) = %q, want %q", c.lang, c.noun, c.n, got, c.want)
		}
	}
}

// step is one command of the README, typed with Danish and with English
// keywords; neutral is a command whose words are neither (a score, an
// alias, a ref, team, plan, gas), answered in the user's language, else
// the Slack locale's, else the team's.
type step struct {
	user, channel string
	da, en        string
	neutral       bool
}

// readmeSteps walks every command of the README's table, refusals and
// questions included.
var readmeSteps = []step{
	{"anna", "#slusen", "team opret Slusen", "team create Slusen", false},
	{"bo", "#slusen", "AB", "AB", true}, // bo types in the channel: a member
	{"anna", "#slusen", "borger ny AB", "citizen add AB", false},
	{"anna", "#slusen", "borger ny CD", "citizen add CD", false},
	{"anna", "#slusen", "plan AB Klare transporten selv tema:mobilitet", "plan AB Manage transport alone theme:mobilitet", true},
	{"anna", "#slusen", "ny AB Tage bussen alene plan:1 mål:8", "new AB Take the bus alone plan:1 target:8", false},
	{"anna", "#slusen", "ny AB Lave mad skala:gas udgangspunkt:-1 vægt:2", "new AB Cook a meal scale:gas baseline:-1 weight:2", false},
	{"anna", "#slusen", "ny CD Gå en tur hver:14", "new CD Go for a walk every:14", false},
	{"anna", "#slusen", "AB-1 4 b:6 Tog bussen med støtte", "AB-1 4 c:6 Took the bus with support", true},
	{"anna", "#slusen", "AB-1 11", "AB-1 11", true},
	{"anna", "#slusen", "AB-1 5 dato:igår Sen vagt", "AB-1 5 date:yesterday Late shift", true},
	{"bo", "#slusen", "AB-2 +1", "AB-2 +1", true},
	{"anna", "#slusen", "AB-1 b:7", "AB-1 c:7", true},
	{"anna", "#slusen", "AB", "AB", true},
	{"anna", "#slusen", "vis AB-1", "show AB-1", false},
	{"anna", "#slusen", "AB-1", "AB-1", true},
	{"anna", "#slusen", "fortryd AB-1", "undo AB-1", false},
	{"anna", "#slusen", "fortryd AB-2 nr:1 Skrevet på det forkerte mål", "undo AB-2 no:1 Logged on the wrong goal", false},
	{"anna", "#slusen", "revider AB-1 +1 fortsættes borger:ja Gik godt", "revise AB-1 +1 continue citizen:yes Went well", false},
	{"anna", "#slusen", "revider AB-2 0 ændres borger:nej", "revise AB-2 0 adjust citizen:no", false},
	{"anna", "#slusen", "revider AB-2 0 fortsættes", "revise AB-2 0 continue", false},
	{"anna", "#slusen", "revider CD-1 -1 revisitation borger:ja", "revise CD-1 -1 revisit citizen:yes", false},
	{"anna", "#slusen", "frist", "due", false},
	{"anna", "#slusen", "graf AB-1", "chart AB-1", false},
	{"anna", "#slusen", "graf AB", "chart AB", false},
	{"anna", "#slusen", "eksport AB", "export AB", false},
	{"anna", "#slusen", "fri til 2026-12-10", "away until 2026-12-10", false},
	{"anna", "#slusen", "fri slut", "away end", false},
	{"anna", "#slusen", "adgangslog AB", "audit AB", false},
	{"anna", "#slusen", "team", "team", true},
	{"anna", "#slusen", "team indstil påmindelse:07:30 digest:fredag-14:00", "team set reminder:07:30 digest:friday-14:00", false},
	{"anna", "#slusen", "borger kontakt AB @bo", "citizen contact AB @bo", false},
	{"anna", "#slusen", "koordinator @bo", "coordinator @bo", false},
	{"anna", "#slusen", "koordinator fjern @bo", "coordinator remove @bo", false},
	{"anna", "#slusen", "borgere", "citizens", false},
	{"anna", "#slusen", "ret AB-1 mål:9 hver:28", "edit AB-1 target:9 every:28", false},
	{"anna", "#slusen", "ret AB-1 skala:1-5", "edit AB-1 scale:1-5", false},
	{"anna", "#slusen", "gas AB-2 +1 Laver mad selv", "gas AB-2 +1 Cooks alone", true},
	{"anna", "#slusen", "revider AB-1 +2 afsluttes borger:ja bekræft", "revise AB-1 +2 close citizen:yes confirm", false},
	{"anna", "#slusen", "genåbn AB-1", "reopen AB-1", false},
	{"anna", "#slusen", "plan luk AB-P1", "plan close AB-P1", false},
	{"anna", "#slusen", "plan luk AB-P1 behold", "plan close AB-P1 keep", false},
	{"anna", "#slusen", "refleksion om:AB Vi fejrer de små sejre", "reflection about:AB We celebrate the small wins", false},
	{"anna", "#slusen", "refleksion vis", "reflection show", false},
	{"anna", "#slusen", "temaer", "themes", false},
	{"anna", "#slusen", "team leder @dorte", "team leader @dorte", false},
	{"dorte", "#slusen", "overblik", "overview", false},
	{"anna", "#slusen", "overblik", "overview", false},
	{"anna", "#slusen", "team leder fjern @dorte", "team leader remove @dorte", false},
	{"anna", "#lyngen", "team opret Lyngen", "team create Lyngen", false},
	{"anna", "#slusen", "borger flyt AB #lyngen", "citizen move AB #lyngen", false},
	{"anna", "#slusen", "borger udskriv CD", "citizen discharge CD", false},
	{"anna", "#slusen", "borgere udskrevne", "citizens discharged", false},
	{"anna", "#slusen", "borger slet CD", "citizen delete CD", false},
	{"anna", "#slusen", "borger slet CD bekræft tving", "citizen delete CD confirm force", false},
	{"anna", "#slusen", "QQ-1 5", "QQ-1 5", true},
	{"anna", "#slusen", "hjælp", "help", false},
}

// userTexts are the titles, notes and texts readmeSteps type in Danish.
var userTexts = []string{"Tog bussen med støtte", "Sen vagt", "Skrevet på det forkerte mål", "Gik godt", "Klare transporten selv",
	"Tage bussen alene", "Lave mad", "Gå en tur", "Laver mad selv", "Vi fejrer de små sejre"}

var (
	codeSpan = regexp.MustCompile("`[^`]*`")
	// Words no English reply has (outside a code span) and no Danish one.
	danishWords  = regexp.MustCompile(`(?i)\b(borger|borgere|borgeren|borgerens|registrering|registreringer|intet|ikke|kontaktperson|handleplansmål|revideres|næste|skal|eller|fortsættes|ændres|afsluttes|og|af|på|til|med|er)\b`)
	englishWords = regexp.MustCompile(`(?i)\b(the|citizen|citizens|entry|entries|nothing|saved|goal|goals|contact|and|with|you|your|was|is|of)\b`)
	wordRe       = regexp.MustCompile(`[\pL]+`)
)

// fragments are the pieces of the lang message file's texts of four words
// or more that the other file does not have: a reply holding one mixes
// that language in.
func fragments(t *testing.T, lang, other string) []string {
	t.Helper()
	mine, theirs := messageFile(t, lang), messageFile(t, other)
	var all strings.Builder
	for _, forms := range theirs {
		for _, f := range forms {
			all.WriteString(f + "\n")
		}
	}
	split := regexp.MustCompile("\\{\\{[^}]*\\}\\}|`[^`]*`|[*_~()«»\"\\n:;—]")
	seen := map[string]bool{}
	var out []string
	for _, forms := range mine {
		for _, f := range forms {
			for _, piece := range split.Split(f, -1) {
				piece = strings.TrimFunc(piece, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
				if len(wordRe.FindAllString(piece, -1)) < 4 || seen[piece] || strings.Contains(all.String(), piece) {
					continue
				}
				seen[piece] = true
				out = append(out, piece)
			}
		}
	}
	return out
}

// No reply mixes the languages: every command of the README, typed with
// Danish keywords, answers in Danish; with English keywords (no language
// chosen), after `lang en`, and for a neutral command with an English
// Slack locale, in English — no message of the other language in it, and
// none of its tell-tale words ("borger" in English, "the" in Danish).
func TestRepliesStayInOneLanguage(t *testing.T) {
	enFragments, daFragments := fragments(t, "en", "da"), fragments(t, "da", "en")
	if len(enFragments) < 200 || len(daFragments) < 200 {
		t.Fatalf("only %d English and %d Danish fragments", len(enFragments), len(daFragments))
	}
	check := func(t *testing.T, s step, typed, lang, reply string) {
		t.Helper()
		if strings.TrimSpace(reply) == "" {
			t.Errorf("%s: %q has no answer", s.user, typed)
			return
		}
		text := codeSpan.ReplaceAllString(reply, "")
		for _, own := range userTexts { // what the users typed stays as they typed it
			text = strings.ReplaceAll(text, own, "")
		}
		foreign, words := daFragments, danishWords
		if lang == "da" {
			foreign, words = enFragments, englishWords
		}
		for _, f := range foreign {
			if strings.Contains(text, f) {
				t.Errorf("%s: the %s answer to %q holds the other language's %q:\n%s", s.user, lang, typed, f, reply)
				return
			}
		}
		if w := words.FindString(text); w != "" {
			t.Errorf("%s: the %s answer to %q holds %q:\n%s", s.user, lang, typed, w, reply)
		}
	}
	modes := []struct {
		name    string
		english bool   // typed with the English keywords
		chosen  string // each user's /maal lang first
		locale  string // the Slack locale of every request
	}{
		{name: "danish"},
		{name: "english keywords", english: true},
		{name: "lang en", chosen: "lang en"},
		{name: "english locale", locale: "en-US"},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t)
			if mode.chosen != "" {
				for _, u := range []string{"anna", "bo", "dorte"} {
					contains(t, e.do(u, "#slusen", mode.chosen), "I'll write in English")
				}
			}
			for _, s := range readmeSteps {
				typed := s.da
				if mode.english {
					typed = s.en
				}
				reply := e.req(commands.Request{UserID: s.user, ChannelID: s.channel, ChannelName: strings.TrimPrefix(s.channel, "#"),
					Text: typed, Locale: mode.locale})
				switch {
				case mode.chosen != "":
					check(t, s, typed, "en", reply)
				case mode.english && !s.neutral, mode.locale != "" && s.neutral:
					check(t, s, typed, "en", reply)
				case !mode.english:
					check(t, s, typed, "da", reply)
				}
			}
		})
	}
}

// A mistyped command is answered with the nearest command in the reply's
// language: an English user is never told to type a Danish keyword.
// Failed before: "Did you mean `/maal frist`?" in English.
func TestSuggestionInTheReplysLanguage(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "frobnicate"), "Den kommando kender jeg ikke", "`/maal frist`")
	contains(t, e.do("anna", "#slusen", "sohw AB-1"), "Mente du `/maal vis`?")
	contains(t, e.do("anna", "#slusen", "lang en"), "I'll write in English")
	for _, typed := range []string{"frobnicate", "frobnicate AB-1"} {
		out := e.do("anna", "#slusen", typed)
		contains(t, out, "`/maal due`")
		lacks(t, out, "`/maal frist`")
	}
	contains(t, e.do("anna", "#slusen", "visse AB-1"), "Did you mean `/maal show`?")
}

// The files the bot sends are named in the user's language too: a user
// writing English gets chart-AB-1-….png and export-AB-….csv, not graf-
// and eksport-.
func TestFileNamesInTheUsersLanguage(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "AB-1 4")
	names := func(text string) string {
		t.Helper()
		var out []string
		for _, f := range e.chartOf("anna", "#slusen", text).Files {
			out = append(out, f.Name)
		}
		return strings.Join(out, " ")
	}
	contains(t, names("graf AB-1")+" "+names("eksport AB")+" "+names("adgangslog AB"),
		"graf-AB-1-2026-11-23.png", "eksport-AB-2026-11-23.csv", "status-AB-2026-11-23.pdf", "adgangslog-AB-2026-11-23.csv")
	e.do("anna", "#slusen", "lang en")
	got := names("chart AB-1") + " " + names("export AB") + " " + names("audit AB") + " " + names("overview")
	contains(t, got, "chart-AB-1-2026-11-23.png", "export-AB-2026-11-23.csv", "status-AB-2026-11-23.pdf",
		"access-log-AB-2026-11-23.csv", "overview-2026-11-23.csv")
	lacks(t, got, "graf-", "eksport-", "adgangslog-", "overblik-")
}
