package commands

import (
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"smallgoals"
)

// Everything a user reads comes from these message files, one per
// language, with the same IDs.
//
//go:embed locales/*.toml
var locales embed.FS

// Messages translates message IDs into the bot's languages.
type Messages struct {
	loc map[string]*i18n.Localizer
	ids map[string]bool // every message ID; every language has them all
}

// LoadMessages reads the embedded message files and checks that every
// language has every message.
func LoadMessages() (*Messages, error) {
	b := i18n.NewBundle(language.Danish)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	ids := map[string]map[string]bool{}
	files, err := fs.Glob(locales, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(locales, f)
		if err != nil {
			return nil, fmt.Errorf("commands: messages: %w", err)
		}
		lang := mf.Tag.String()
		ids[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			ids[lang][m.ID] = true
		}
	}
	for _, lang := range []string{smallgoals.LangDanish, smallgoals.LangEnglish} {
		if ids[lang] == nil {
			return nil, fmt.Errorf("commands: messages: no message file for %q", lang)
		}
		for other := range ids {
			for id := range ids[other] {
				if !ids[lang][id] {
					return nil, fmt.Errorf("commands: messages: %q lacks %q", lang, id)
				}
			}
		}
	}
	m := &Messages{loc: map[string]*i18n.Localizer{}, ids: ids[smallgoals.LangDanish]}
	for lang := range ids {
		m.loc[lang] = i18n.NewLocalizer(b, lang)
	}
	return m, nil
}

// Has reports whether there is a message id.
func (m *Messages) Has(id string) bool { return m.ids[id] }

// T returns message id in lang, filled from data given as key, value
// pairs. A missing message is a programming error; it shows as its ID so
// the reply still says something.
func (m *Messages) T(lang, id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m.TData(lang, id, data)
}

// TData is T with the data as a map.
func (m *Messages) TData(lang, id string, data map[string]any) string {
	l := m.loc[lang]
	if l == nil {
		l = m.loc[smallgoals.LangDanish]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := l.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// Count is data here, not a plural form.
		cfg.PluralCount = nil
		s, err = l.Localize(cfg)
	}
	if err != nil {
		return id
	}
	return strings.TrimRight(s, "\n")
}

// N is a count with its noun in lang — "1 registrering", "3 registreringer"
// — from the message n.NOUN and its one/other forms.
func (m *Messages) N(lang, noun string, count int) string {
	return m.TData(lang, "n."+noun, map[string]any{"Count": count})
}

// The dates a user reads, in one place: Date is the full form
// (27.11.2026; 27 Nov 2026), ShortDate the form where space is short
// (fre 27. nov.; Fri 27 Nov), DayMonth shorter still (27. nov.; 27 Nov),
// Clock a time of day (kl. 09.00; 09:00).
// The words come from the message files (date.…). ISO dates stay in CSV
// files, file names and form inputs; smallgoals.FormatDate writes those.

// Date formats the civil date d (midnight UTC) in lang.
func (m *Messages) Date(lang string, d time.Time) string {
	return m.TData(lang, "date.long", m.dateData(lang, d))
}

// ShortDate formats the civil date d with its weekday, without the year.
func (m *Messages) ShortDate(lang string, d time.Time) string {
	return m.TData(lang, "date.short", m.dateData(lang, d))
}

// DayMonth formats the civil date d without weekday and year, where
// even ShortDate is too long (a chart's date axis): 27. nov.; 27 Nov.
func (m *Messages) DayMonth(lang string, d time.Time) string {
	return m.TData(lang, "date.day_month", m.dateData(lang, d))
}

// Clock formats a time of day given as "HH:MM" in lang.
func (m *Messages) Clock(lang, hm string) string {
	h, mm, ok := strings.Cut(hm, ":")
	if !ok {
		return hm
	}
	return m.TData(lang, "date.clock", map[string]any{"HH": h, "MM": mm})
}

// RelDate is Date, or "i dag", "i morgen", "i går" when d is that near today.
func (m *Messages) RelDate(lang string, d, today time.Time) string {
	switch d.Sub(today).Round(24*time.Hour) / (24 * time.Hour) {
	case 0:
		return m.TData(lang, "date.today", nil)
	case 1:
		return m.TData(lang, "date.tomorrow", nil)
	case -1:
		return m.TData(lang, "date.yesterday", nil)
	}
	return m.Date(lang, d)
}

func (m *Messages) dateData(lang string, d time.Time) map[string]any {
	d = d.UTC()
	months := strings.Fields(m.TData(lang, "date.months", nil))
	days := strings.Fields(m.TData(lang, "date.weekdays", nil))
	mon, wd := strconv.Itoa(int(d.Month())), strconv.Itoa(int(d.Weekday()))
	if len(months) == 12 {
		mon = months[d.Month()-1]
	}
	if len(days) == 7 {
		wd = days[d.Weekday()]
	}
	return map[string]any{
		"D": d.Day(), "DD": fmt.Sprintf("%02d", d.Day()), "MM": fmt.Sprintf("%02d", int(d.Month())),
		"Year": d.Year(), "Mon": mon, "Wday": wd,
	}
}
