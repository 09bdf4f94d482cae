package commands

import (
	"strings"

	"smallgoals"
)

// runHelp lists the commands with examples.
func (c *call) runHelp() (Reply, error) {
	var r Reply
	r.add(Header, c.t("help.title"))
	r.add(Section, c.t("help.intro"))
	var lines []string
	for _, cmd := range table {
		lines = append(lines, "`"+c.t("usage."+cmd.id)+"`\n"+c.t("help."+cmd.id))
	}
	r.add(Section, strings.Join(lines, "\n"))
	r.add(Context, c.t("help.examples"))
	return r, nil
}

// runLang sets the caller's language: sprog da|en.
func (c *call) runLang() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.lang")
	}
	lang := strings.ToLower(c.p.args[0])
	if !smallgoals.ValidLang(lang) {
		return Reply{}, c.invalid("err.lang")
	}
	if err := c.tx.SetUserLang(c.ctx, c.req.UserID, lang, c.req.Time); err != nil {
		return Reply{}, err
	}
	c.lang = lang
	return textReply(c.t("lang.set", "Lang", c.t("lang.name."+lang))), nil
}
