package commands

// The indicator catalogue (issue 16, item 2): the themes a small goal or
// a plan goal may carry (tema:KODE), shipped as a data file and
// replaceable by an institution's own (SMALLGOALS_THEMES_FILE).

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"smallgoals"
)

//go:embed themes/vum-voksne.toml
var defaultThemes []byte

// Theme is one theme of a catalogue.
type Theme struct {
	Code        string `toml:"code"`        // what tema: takes, lower case
	Name        string `toml:"name"`        // Danish
	NameEN      string `toml:"name_en"`     // English; Name if empty
	FFB         string `toml:"ffb"`         // the theme's code in KL's FFB, if it has one
	Description string `toml:"description"` // one line, Danish
}

// Themes is a theme catalogue. The zero value and nil have no themes.
type Themes struct {
	Title   string  `toml:"title"`
	TitleEN string  `toml:"title_en"`
	List    []Theme `toml:"theme"`
	byCode  map[string]int
}

// Limits of a catalogue: a Slack select takes 100 options of 75
// characters, and the edit form's has "Intet tema" (none) first.
const (
	maxThemes       = 99
	maxThemeNameLen = 60
)

// themeCode is a theme code as the database takes it.
var themeCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// DefaultThemes returns the catalogue shipped with the bot: VUM 2.0 /
// Fælles Faglige Begreber for adults (commands/themes/vum-voksne.toml).
func DefaultThemes() *Themes {
	t, err := ParseThemes(defaultThemes)
	if err != nil {
		panic("commands: the default theme catalogue: " + err.Error())
	}
	return t
}

// LoadThemes reads a catalogue file (TOML, as the default one), or returns
// an error naming what is wrong with it.
func LoadThemes(path string) (*Themes, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseThemes(b)
}

// ParseThemes reads a catalogue: at least one theme and at most 99, each
// with a unique lower-case code (letters a–z, digits, - and _, up to 32;
// not a word that removes a theme, ingen or none) and a name of up to 60
// characters.
func ParseThemes(b []byte) (*Themes, error) {
	var t Themes
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&t)
	if err != nil {
		return nil, err
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("unknown key %q", un[0].String())
	}
	if len(t.List) == 0 {
		return nil, errors.New("no [[theme]] in the catalogue")
	}
	if len(t.List) > maxThemes {
		return nil, fmt.Errorf("%d themes; at most %d", len(t.List), maxThemes)
	}
	t.byCode = map[string]int{}
	for i, th := range t.List {
		switch {
		case !themeCode.MatchString(th.Code):
			return nil, fmt.Errorf("theme %d: code %q is not 1–32 of a–z, 0–9, - and _, starting with a letter or digit", i+1, th.Code)
		case noneWords[th.Code]:
			return nil, fmt.Errorf("theme %d: code %q removes a goal's theme (tema:%s); choose another", i+1, th.Code, th.Code)
		case strings.TrimSpace(th.Name) == "" || utf8.RuneCountInString(th.Name) > maxThemeNameLen || utf8.RuneCountInString(th.NameEN) > maxThemeNameLen:
			return nil, fmt.Errorf("theme %q: a name of 1–%d characters is needed (name, name_en)", th.Code, maxThemeNameLen)
		case smallgoals.ContainsCPR(th.Name + " " + th.NameEN + " " + th.Description):
			return nil, fmt.Errorf("theme %q: holds a CPR-like number", th.Code)
		}
		if _, dup := t.byCode[th.Code]; dup {
			return nil, fmt.Errorf("theme code %q twice", th.Code)
		}
		t.byCode[th.Code] = i
	}
	return &t, nil
}

// Lookup returns the theme of a code, typed in any case.
func (t *Themes) Lookup(code string) (Theme, bool) {
	if t == nil {
		return Theme{}, false
	}
	i, ok := t.byCode[strings.ToLower(strings.TrimSpace(code))]
	if !ok {
		return Theme{}, false
	}
	return t.List[i], true
}

// Name returns the Danish name of a theme code; for a code not in the
// catalogue (from a catalogue used before) the code itself; "" for "".
func (t *Themes) Name(code string) string { return t.Label(smallgoals.LangDanish, code) }

// Label returns a theme code's name in lang, as Name does.
func (t *Themes) Label(lang, code string) string {
	th, ok := t.Lookup(code)
	switch {
	case code == "":
		return ""
	case !ok:
		return code
	case lang == smallgoals.LangEnglish && th.NameEN != "":
		return th.NameEN
	}
	return th.Name
}

// title is the catalogue's title in lang.
func (t *Themes) title(lang string) string {
	if lang == smallgoals.LangEnglish && t.TitleEN != "" {
		return t.TitleEN
	}
	return t.Title
}

// theme reads tema:KODE (tema:ingen for none, where none is allowed).
func (c *call) theme(v string, noneOK bool) (string, error) {
	if noneOK && noneWords[strings.ToLower(v)] {
		return "", nil
	}
	th, ok := c.h.themes.Lookup(v)
	if !ok {
		return "", c.invalid("err.theme_unknown", "Value", Escape(clip(v, 32)))
	}
	return th.Code, nil
}

// themeLabel is a theme as a reply shows it: "Egenomsorg (egenomsorg)".
func (c *call) themeLabel(code string) string {
	return c.t("theme.label", "Name", Escape(c.h.themes.Label(c.lang, code)), "Code", code)
}

// runThemes lists the catalogue: temaer. Anyone may read it, in any
// channel: it is the same for everyone and holds nothing of a borger or a
// team; the read is audited all the same, about no team.
func (c *call) runThemes() (Reply, error) {
	if len(c.p.args) > 0 {
		return Reply{}, c.invalid("err.themes_args")
	}
	if err := c.audit(smallgoals.ActThemeList, nil, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, c.t("theme.title", "Title", Escape(c.h.themes.title(c.lang))))
	lines := make([]string, 0, len(c.h.themes.List))
	for _, th := range c.h.themes.List {
		line := "`" + th.Code + "` · *" + Escape(c.h.themes.Label(c.lang, th.Code)) + "*"
		if th.Description != "" && c.lang == smallgoals.LangDanish {
			line += " — " + Escape(th.Description)
		}
		lines = append(lines, line)
	}
	for len(lines) > 0 { // a section holds 3000 characters
		n := min(len(lines), 15)
		r.add(Section, strings.Join(lines[:n], "\n"))
		lines = lines[n:]
	}
	r.add(Context, c.t("theme.how", "Code", c.h.themes.List[0].Code))
	return r, nil
}
