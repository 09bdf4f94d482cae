package commands

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"smallgoals"
)

// normalizeText is the one normalisation of text a user sends, done once
// before anything reads it, so that what is checked (the CPR check, the
// limits) is what is stored and shown: Unicode NFKC (full-width letters
// and digits, ligatures, no-break spaces become their plain forms); every
// dash kind and the minus sign become "-"; tabs and every other space kind
// but the line break become " " (CR LF and CR become a line break; control
// characters such as NEL stay, to be refused); invisible format characters
// (zero-width spaces and joiners, soft hyphens, byte-order marks,
// bidirectional controls) are removed.
func normalizeText(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= utf8.RuneSelf || (b < ' ' && b != '\n') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t' || (unicode.IsSpace(r) && !unicode.IsControl(r)):
			b.WriteByte(' ') // not NEL and the like: control characters are refused
		case smallgoals.IsDash(r):
			b.WriteByte('-')
		case smallgoals.IsInvisible(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// requireCoordinator refuses a caller who is not a coordinator of the
// team; the refusal is audited, about the citizen when there is one.
func (c *call) requireCoordinator(team smallgoals.Team, citizen *smallgoals.Citizen, action string) error {
	ok, err := c.isCoordinator(team)
	if err != nil || ok {
		return err
	}
	ref := ""
	if citizen != nil {
		ref = citizen.Alias
	}
	if err := c.audit(action, &team, citizen, nil, ref, false); err != nil {
		return err
	}
	return smallgoals.Errorf(smallgoals.EFORBIDDEN, "err.coordinator_only")
}

// period reads optional FRA and TIL dates: from the start of FRA to the
// end of TIL in the team's zone; zero times where not given.
func (c *call) period(words []string, loc *time.Location) (from, to time.Time, err error) {
	if len(words) > 2 {
		return from, to, c.invalid("err.period")
	}
	var days [2]time.Time
	for i, w := range words {
		d, ok := smallgoals.ParseDate(w)
		if !ok {
			return from, to, c.invalid("err.date", "Value", Escape(clip(w, 20)))
		}
		days[i] = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	}
	from = days[0]
	if !days[1].IsZero() {
		to = days[1].AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return from, to, c.invalid("err.period")
	}
	return from, to, nil
}

// auditShown is how many events the reply lists; the CSV has them all.
const auditShown = 30

// runAuditLog lists who accessed a citizen's data, for coordinators, and
// sends all of it as CSV for an access request: adgangslog ALIAS [FRA] [TIL].
func (c *call) runAuditLog() (Reply, error) {
	if len(c.p.args) == 0 {
		return Reply{}, c.invalid("err.alias_needed_cmd")
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActAuditView)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireCoordinator(f.team, &f.citizen, smallgoals.ActAuditView); err != nil {
		return Reply{}, err
	}
	loc := f.team.Location()
	from, to, err := c.period(c.p.args[1:], loc)
	if err != nil {
		return Reply{}, err
	}
	// The lookup itself is an access: audited before the list is read, so
	// it is in it.
	if err := c.audit(smallgoals.ActAuditView, &f.team, &f.citizen, nil, f.citizen.Alias, true); err != nil {
		return Reply{}, err
	}
	evs, err := c.tx.ListAuditEvents(c.ctx, f.citizen.ID, from, to)
	if err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, c.t("audit.title", "Alias", f.citizen.Alias))
	r.add(Context, c.t("audit.count", "Count", len(evs)))
	var lines []string
	for i := len(evs) - 1; i >= 0 && len(lines) < auditShown; i-- {
		lines = append(lines, c.auditLine(evs[i], loc))
	}
	if len(lines) > 0 {
		r.add(Section, strings.Join(lines, "\n"))
	}
	rows := [][]string{{c.t("audit.col.time"), c.t("audit.col.user"), c.t("audit.col.action"), c.t("audit.col.ref"), c.t("audit.col.allowed"),
		c.t("audit.col.recipient")}}
	for _, ev := range evs {
		allowed := c.t("audit.yes")
		if !ev.Allowed {
			allowed = c.t("audit.no")
		}
		rows = append(rows, []string{ev.At.In(loc).Format("2006-01-02 15:04:05"), ev.Actor, c.t("action." + ev.Action), ev.Ref, allowed,
			ev.Recipient})
	}
	name := c.t("file.audit", "Name", f.citizen.Alias, "Date", smallgoals.FormatDate(c.today(&f.team)))
	r.add(Context, c.t("audit.csv"))
	return c.withFiles(r, &f.team, c.t("audit.csv_not_sent"), File{Name: name, Title: c.t("audit.title", "Alias", f.citizen.Alias),
		Data: danishCSV(rows), TeamID: f.team.ID, CitizenID: f.citizen.ID}), nil
}

func (c *call) auditLine(ev smallgoals.AuditEvent, loc *time.Location) string {
	at := ev.At.In(loc)
	line := c.date(smallgoals.Day(at, loc)) + " " + c.h.msg.Clock(c.lang, at.Format("15:04")) + " · " + mention(ev.Actor) + " · " + c.t("action."+ev.Action)
	if ev.Ref != "" {
		line += " · " + ev.Ref
	}
	if ev.Recipient != "" {
		line += " → " + recipient(ev)
	}
	if !ev.Allowed {
		line += " · " + c.t("audit.refused")
	}
	return line
}

// recipient shows who got what a job sent: the team channel of a digest,
// else a user.
func recipient(ev smallgoals.AuditEvent) string {
	if ev.Action != smallgoals.ActDigestSend {
		return mention(ev.Recipient)
	}
	if strings.HasPrefix(ev.Recipient, "#") {
		return ev.Recipient // the shell's channel
	}
	return "<#" + ev.Recipient + ">"
}

// danishCSV writes rows as CSV that Danish Excel opens as it is: UTF-8
// with a byte-order mark and ';' between fields.
func danishCSV(rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, cell := range row {
			cells[i] = inert(cell)
		}
		w.Write(cells)
	}
	w.Flush()
	return b.Bytes()
}

// csvNumber is a number as the CSV writes one: a score, a GAS level.
var csvNumber = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)

// inert makes a cell that a spreadsheet would run as a formula — one
// starting with =, +, -, @, a tab or a carriage return — plain text with
// a leading apostrophe (OWASP's advice on CSV injection); numbers stay
// numbers.
func inert(cell string) string {
	if cell == "" || csvNumber.MatchString(cell) || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	return "'" + cell
}

// runErase erases a citizen, for coordinators: borger slet ALIAS [bekræft]
// [tving]. Without bekræft it only says what would be erased.
func (c *call) runErase() (Reply, error) {
	if len(c.p.args) == 0 {
		return Reply{}, c.invalid("err.alias_needed_cmd")
	}
	var confirm, force bool
	for _, w := range c.p.args[1:] {
		switch strings.ToLower(w) {
		case "bekræft", "bekraeft", "confirm":
			confirm = true
		case "tving", "force":
			force = true
		default:
			return Reply{}, c.invalid("err.unknown_sub", "Word", Escape(clip(w, 20)))
		}
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenErase)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireCoordinator(f.team, &f.citizen, smallgoals.ActCitizenErase); err != nil {
		return Reply{}, err
	}
	e, err := c.tx.ErasureOf(c.ctx, f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	alias := f.citizen.Alias
	counts := c.t("erase.counts", "Plans", c.n("plan_goals", e.Plans), "Goals", c.n("goals", e.Goals),
		"Entries", c.n("entries", e.Entries), "Revisions", c.n("revisions", e.Revisions), "Files", c.n("files", e.Files),
		"Posts", c.n("messages", e.Posts), "Reflections", c.n("reflections", e.Reflections))
	if !confirm {
		if err := c.audit(smallgoals.ActCitizenView, &f.team, &f.citizen, nil, alias, true); err != nil {
			return Reply{}, err
		}
		r := textReply(c.t("erase.preview", "Alias", alias, "Counts", counts))
		if e.Unexported > 0 {
			r.add(Context, c.t("erase.unexported", "Alias", alias, "Count", e.Unexported))
		}
		r.add(Context, c.t("erase.how", "Alias", alias))
		return r, nil
	}
	files, posts, err := c.erase(f, e, force)
	if err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("erase.done", "Alias", alias, "Counts", counts))
	for _, fr := range files {
		r.Forget = append(r.Forget, fr.ID)
	}
	r.Unpost, r.ErasedFrom = posts, f.team.ChannelID
	done := r.Blocks
	r.ForgetDone = func(d Deletions) []Block {
		out := append([]Block(nil), done...)
		if d.Messages+d.Files > 0 {
			out = append(out, Block{Kind: Context, Text: c.t("erase.slack_deleted", "What", c.postsAndFiles(d.Messages, d.Files))})
		}
		if d.MessagesPending+d.FilesPending > 0 {
			out = append(out, Block{Kind: Context, Text: c.t("erase.slack_pending", "What", c.postsAndFiles(d.MessagesPending, d.FilesPending))})
		}
		return append(out, Block{Kind: Context, Text: c.t("erase.slack_own")})
	}
	r.Blocks = r.ForgetDone(Deletions{MessagesPending: len(posts), FilesPending: len(files)})
	return r, nil
}

// erase erases f's borger, whose erasure e counts, and audits it: refused
// while entries were written after the last export, unless force. It
// returns the files and messages about the borger, now due for deletion
// from Slack (the transport deletes them; what it does not, the
// housekeeping job does): borger slet and `smallgoals dpo erase`.
func (c *call) erase(f found, e smallgoals.Erasure, force bool) ([]smallgoals.FileRecord, []smallgoals.Posted, error) {
	alias := f.citizen.Alias
	if e.Unexported > 0 && !force {
		if err := c.audit(smallgoals.ActCitizenErase, &f.team, &f.citizen, nil, alias, false); err != nil {
			return nil, nil, err
		}
		return nil, nil, smallgoals.Errorf(smallgoals.ECONFLICT, "err.erase_unexported", "Alias", alias, "Count", e.Unexported)
	}
	files, err := c.tx.ExpireCitizenFiles(c.ctx, f.citizen.ID, c.req.Time)
	if err != nil {
		return nil, nil, err
	}
	// Before the citizen goes: their links name what to delete.
	posts, err := c.tx.UnpostCitizen(c.ctx, f.citizen.ID, c.req.Time)
	if err != nil {
		return nil, nil, err
	}
	if err := c.tx.EraseCitizen(c.ctx, f.citizen.ID); err != nil {
		return nil, nil, err
	}
	return files, posts, c.audit(smallgoals.ActCitizenErase, &f.team, &f.citizen, nil, alias, true)
}

// postsAndFiles says "3 beskeder og 1 fil", leaving out a kind there are
// none of.
func (c *call) postsAndFiles(messages, files int) string {
	m, f := c.t("erase.messages", "Count", messages), c.t("erase.files", "Count", files)
	switch {
	case files == 0:
		return m
	case messages == 0:
		return f
	}
	return c.t("erase.and", "A", m, "B", f)
}
