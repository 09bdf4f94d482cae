package commands

// The status report the caseworker files (issue 16 #4): one borger on A4
// in PDF, laid out by plan goal. It replaces the HTML status page: one
// document for the journal, with the same content.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/runenames"

	"smallgoals"
)

// outcomeCodes are the revision outcomes as Fælles Sprog III codes them
// ("Resultat af opfølgning": E1 Fortsættes, E2 Ændres inden for rammen,
// E3 Afsluttes, E4 Revisitation), KL's FSIII code system:
// https://fhir.kl.dk/caresocial/CodeSystem-FSIII.html
var outcomeCodes = map[string]string{
	smallgoals.OutcomeContinue: "E1",
	smallgoals.OutcomeAdjust:   "E2",
	smallgoals.OutcomeClose:    "E3",
	smallgoals.OutcomeRevisit:  "E4",
}

// reportData is what the report tells, as exportCSV reads it too.
type reportData struct {
	f         found
	goals     []smallgoals.Goal
	plans     []smallgoals.PlanGoal
	entries   []smallgoals.Entry
	revisions []smallgoals.Revision
	changes   []smallgoals.GoalChange
	history   []historyItem
	// reflections are the team's, about the borger or one of its goals.
	reflections []smallgoals.Reflection
	from, to    time.Time
}

// The page: A4 portrait in millimetres.
const (
	pdfMargin = 18.0
	pdfWidth  = 210.0 - 2*pdfMargin
	pdfLine   = 5.0
)

// statusReport renders the report.
func (c *call) statusReport(d reportData) ([]byte, error) {
	f, alias, loc := d.f, d.f.citizen.Alias, d.f.team.Location()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(c.req.Time)
	pdf.SetModificationDate(c.req.Time)
	pdf.AddUTF8FontFromBytes("sans", "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes("sans", "B", liberationsansbold.TTF)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin)
	title := c.t("export.page_title", "Alias", alias)
	pdf.SetTitle(title, true)
	pdf.SetAuthor("smallgoals", true)
	pdf.SetLang(c.lang)
	pdf.AliasNbPages("{nb}")
	footer := c.t("export.footer")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfMargin + 4)
		pdf.SetFont("sans", "", 8)
		pdf.SetTextColor(100, 100, 100)
		pdf.CellFormat(pdfWidth*0.8, 4, footer, "", 0, "L", false, 0, "")
		pdf.CellFormat(pdfWidth*0.2, 4, c.t("export.page", "Page", pdf.PageNo(), "Pages", "{nb}"), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	text := func(size float64, style, s string) {
		pdf.SetFont("sans", style, size)
		pdf.MultiCell(pdfWidth, size*0.45, c.pdfSafe(s), "", "L", false)
	}
	heading := func(size float64, s string) {
		if pdf.GetY() > 297-pdfMargin-30 { // no heading alone at the foot of a page
			pdf.AddPage()
		}
		pdf.Ln(2)
		text(size, "B", s)
		pdf.Ln(1)
	}

	period := c.t("export.all_time")
	if !d.from.IsZero() || !d.to.IsZero() {
		period = c.t("export.period", "From", c.dateOr(d.from, "…"), "To", c.dateOr(d.to, "…"))
	}
	text(18, "B", title)
	text(10, "", c.t("export.meta", "Team", f.team.Name, "Period", period, "Date", c.date(c.today(&f.team))))
	if len(d.history) > 0 {
		heading(11, c.t("history.title"))
		for _, it := range d.history {
			text(10, "", "• "+c.date(smallgoals.Day(it.ev.At, loc))+" · "+it.text)
		}
	}

	// The GAS T-score first: the caseworker's summary, with its meaning.
	heading(12, c.t("gas.tscore_heading"))
	text(11, "B", c.tscoreText(gasScore(d.goals, d.revisions)))
	text(9, "", c.t("gas.tscore_meaning"))

	byPlan := map[int][]smallgoals.Goal{}
	for _, g := range d.goals {
		n := 0
		if g.PlanNumber != nil {
			n = *g.PlanNumber
		}
		byPlan[n] = append(byPlan[n], g)
	}
	section := func(head string, goals []smallgoals.Goal) error {
		heading(14, head)
		for _, g := range goals {
			if err := c.reportGoal(pdf, text, heading, d, g); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range d.plans {
		if len(byPlan[p.Number]) == 0 {
			continue
		}
		head := smallgoals.Ref{Alias: alias, Plan: true, N: p.Number}.String() + " " + p.Title
		if p.ClosedAt != nil {
			head += " " + c.t("export.plan_closed", "Date", c.date(smallgoals.Day(*p.ClosedAt, loc)))
		}
		if err := section(head, byPlan[p.Number]); err != nil {
			return nil, err
		}
	}
	if len(byPlan[0]) > 0 {
		if err := section(c.t("export.no_plan"), byPlan[0]); err != nil {
			return nil, err
		}
	}
	if len(d.reflections) > 0 {
		// What the team concluded about the borger at the staff meeting.
		heading(13, c.t("reflection.heading"))
		for i := len(d.reflections) - 1; i >= 0; i-- { // oldest first
			x := d.reflections[i]
			line := c.date(x.Day)
			if about := x.About(); about != "" {
				line += " · " + about
			}
			text(10, "B", line)
			text(10, "", c.pdfSafe(x.Text))
		}
	}

	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("commands: status report: %w", err)
	}
	return b.Bytes(), nil
}

// pdfSafe writes what the embedded font cannot draw — emoji, in and
// beyond the Basic Multilingual Plane (❤, ✅, 😊), and other symbols it
// lacks — as their Unicode name, "[emoji: crying face]": a note or a
// reflection whose emoji is dropped, or drawn as an empty box, says less
// than what was written, and may say something else. What only modifies
// an emoji (a skin tone, the variation selectors, the joiner of a
// sequence, a tag) is left out.
func (c *call) pdfSafe(s string) string {
	var b strings.Builder
	var buf sfnt.Buffer
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf: // ASCII: the font has it all
			b.WriteByte(byte(r))
		case r == 0xFE0E || r == 0xFE0F || r == 0x200D || 0x1F3FB <= r && r <= 0x1F3FF || 0xE0020 <= r && r <= 0xE007F:
		case r > 0xFFFF || !unicode.IsSpace(r) && !unicode.IsControl(r) && !fontHas(&buf, r):
			name := strings.ToLower(runenames.Name(r))
			if name == "" {
				name = fmt.Sprintf("U+%04X", r)
			}
			b.WriteString(c.t("export.emoji", "Name", name))
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// fontHas reports whether the report's font (Liberation Sans; the bold
// face has the same characters) has a glyph for r.
func fontHas(buf *sfnt.Buffer, r rune) bool {
	f := reportFont()
	if f == nil {
		return true // cannot tell: drawn as before
	}
	i, err := f.GlyphIndex(buf, r)
	return err == nil && i != 0
}

var reportFont = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(liberationsansregular.TTF)
	if err != nil {
		return nil
	}
	return f
})

// reportGoal writes one small goal: settings, GAS definitions, latest
// scores, the chart, revisions and changes.
func (c *call) reportGoal(pdf *fpdf.Fpdf, text func(float64, string, string), heading func(float64, string),
	d reportData, g smallgoals.Goal) error {
	alias, loc := d.f.citizen.Alias, d.f.team.Location()
	heading(12, ref(alias, g)+" "+g.Title)
	var facts []string
	if g.Theme != "" {
		facts = append(facts, c.t("export.col.theme")+" "+c.themeName(g.Theme))
	}
	facts = append(facts, c.t("export.scale")+" "+c.scale(g.Scale()))
	if g.Target != nil {
		facts = append(facts, c.t("export.target")+" "+strconv.Itoa(*g.Target))
	}
	facts = append(facts, c.gasFacts(g)...)
	if g.Status == smallgoals.GoalActive && g.NextRevision != nil {
		next := c.t("export.next") + " " + c.date(*g.NextRevision)
		if g.RevisitAt != nil {
			next += " · " + c.waitingText(g, &d.f.team)
		}
		facts = append(facts, next)
	} else {
		facts = append(facts, c.t("goal.fact_closed"))
	}
	text(10, "", strings.Join(facts, " · "))
	if lines := c.gasLevelLines(g, plainText); len(lines) > 0 {
		text(10, "B", c.t("gas.levels"))
		for _, l := range lines {
			text(10, "", "   "+l)
		}
	} else {
		text(10, "", c.t("gas.no_levels"))
	}

	// The latest counting entry's own pair; when it has no borger score,
	// the borger's latest from an earlier entry, with its day.
	var latest, citizen *smallgoals.Entry
	n := 0
	for i, e := range d.entries { // oldest first
		if e.GoalID == g.ID && !e.Replaced && e.Kind == smallgoals.EntryScore {
			latest, n = &d.entries[i], n+1
			if e.CitizenScore != nil {
				citizen = &d.entries[i]
			}
		}
	}
	if latest == nil {
		text(10, "", c.t("export.no_entries"))
	} else {
		staff, ctzn := "–", "–"
		if latest.StaffScore != nil {
			staff = formatScore(g.Scale(), *latest.StaffScore)
		}
		switch {
		case latest.CitizenScore != nil:
			ctzn = formatScore(g.Scale(), *latest.CitizenScore)
		case citizen != nil:
			ctzn = c.t("export.citizen_earlier", "Score", formatScore(g.Scale(), *citizen.CitizenScore),
				"Date", c.date(citizen.Day))
		}
		text(10, "", c.t("export.latest", "Date", c.date(latest.Day), "Staff", staff, "Citizen", ctzn, "Count", n))
		png, err := c.goalPNG(alias, g, d.entries)
		if err != nil {
			return err
		}
		const w, h = 120.0, 80.0
		if pdf.GetY()+h > 297-pdfMargin-6 {
			pdf.AddPage()
		}
		name := "chart-" + strconv.FormatInt(g.ID, 10)
		opt := fpdf.ImageOptions{ImageType: "PNG"}
		pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
		pdf.ImageOptions(name, pdfMargin, pdf.GetY()+1, w, h, true, opt, 0, "")
		pdf.Ln(1)
	}

	text(10, "B", c.t("show.revisions"))
	revised := false
	for _, r := range d.revisions {
		if r.GoalID != g.ID {
			continue
		}
		revised = true
		text(10, "", "• "+c.t("export.revision_line", "Date", c.date(r.Day),
			"GAS", smallgoals.FormatGASLevel(r.GASLevel), "Outcome", c.t("outcome."+r.Outcome),
			"Code", outcomeCodes[r.Outcome], "TookPart", c.tookPart(r.CitizenTookPart)))
		if desc := g.GASLevels.Level(r.GASLevel); desc != "" {
			text(9, "", "   "+c.t("export.revision_level", "Level", desc))
		}
		if r.Reflection != "" {
			text(9, "", "   "+c.t("export.reflection")+": "+r.Reflection)
		}
	}
	if !revised {
		text(10, "", c.t("export.no_revisions"))
	}
	var changes []string
	for _, ch := range d.changes {
		if ch.GoalID != nil && *ch.GoalID == g.ID {
			changes = append(changes, "• "+c.changeLine(alias, loc, ch, ch.Author, plainText))
		}
	}
	if len(changes) > 0 {
		text(10, "B", c.t("show.changes"))
		for _, l := range changes {
			text(9, "", l)
		}
	}
	return nil
}
