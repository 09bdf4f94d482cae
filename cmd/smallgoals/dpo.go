package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"smallgoals"
	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/store"
)

// `smallgoals dpo` is the data-protection officer's command line: a
// borger's access log, export and erasure by team and alias, and a staff
// member's own access request by Slack user ID, outside Slack. It needs
// DATABASE_URL and SMALLGOALS_DATA_KEY and never reads the Slack
// variables — except SLACK_BOT_TOKEN for erase, to delete from Slack what
// the bot posted about the borger at once. Every run is audited with the
// actor "dpo:" + --actor (default: the OS user), refusals included.

// Audit actions of the requests about a staff member; the subject is the
// event's recipient, so the user's own access log shows them.
const (
	actUserAccessLog = "user.access_log"
	actUserExport    = "user.export"
)

// A dpo subcommand: its usage, summary and what it does.
type dpoCommand struct {
	name, usage, summary string
	run                  func(d *dpoRun) int
}

func dpoCommands() []dpoCommand {
	return []dpoCommand{
		{"list", "[--team TEAM]", "the teams and their borgere by alias (served and discharged); no free text", dpoList},
		{"access-log", "--team TEAM --alias AB | --citizen ID | --user SLACKID [--since DATE]",
			"who read or wrote what about the borger (the audit log); or what the log holds about a staff member", dpoAccessLog},
		{"export", "--team TEAM --alias AB --out DIR | --user SLACKID --out DIR",
			"everything stored about the borger, decrypted, as files in DIR; or what is stored about a staff member", dpoExport},
		{"erase", "--team TEAM --alias AB --reason CASEREF [--yes] [--force]",
			"erase the borger as /maal borger slet does, with its messages and files in Slack", dpoErase},
	}
}

// dpoRun is one run of a dpo subcommand.
type dpoRun struct {
	inv                         *invocation
	name                        string
	actor                       string
	team, alias, user, out      string
	citizen                     int64
	since, reason, lang         string
	json, yes, force, noMigrate bool
	m                           *Main
}

func (d *dpoRun) op() commands.Operator {
	return commands.Operator{Actor: d.actor, Time: time.Now(), Lang: d.lang}
}

func printDPOUsage(w io.Writer) {
	fmt.Fprint(w, "smallgoals dpo: the data-protection officer's tools, outside Slack.\n\nusage: smallgoals dpo COMMAND [FLAGS]\n\ncommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range dpoCommands() {
		fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.usage, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nEvery command takes --actor NAME (audited as dpo:NAME; default the OS user), --json and --no-migrate.\n"+
		"TEAM is a team's ID, channel ID or name. It needs DATABASE_URL and SMALLGOALS_DATA_KEY (or their _FILE);\n"+
		"erase uses SLACK_BOT_TOKEN when set. smallgoals dpo COMMAND --help lists a command's flags.\n")
}

// runDPO runs `smallgoals dpo COMMAND [FLAGS]`.
func runDPO(inv *invocation) int {
	if len(inv.args) == 0 {
		printDPOUsage(inv.stderr)
		return 2
	}
	name := inv.args[0]
	if name == "help" || name == "-h" || name == "--help" {
		printDPOUsage(inv.stdout)
		return 0
	}
	var cmd *dpoCommand
	for _, c := range dpoCommands() {
		if c.name == name {
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(inv.stderr, "smallgoals dpo: unknown command %q; see smallgoals dpo help\n", name)
		return 2
	}
	d := &dpoRun{inv: inv, name: name, noMigrate: inv.opts.noMigrate}
	fs := flag.NewFlagSet("smallgoals dpo "+name, flag.ContinueOnError)
	msgs := new(strings.Builder)
	fs.SetOutput(msgs)
	fs.StringVar(&d.actor, "actor", "", "who you are, audited as dpo:NAME (letters, digits, . _ -); default the OS user")
	fs.BoolVar(&d.json, "json", false, "print JSON instead of aligned text")
	fs.BoolVar(&d.noMigrate, "no-migrate", d.noMigrate, "do not migrate the database first")
	switch name {
	case "list":
		fs.StringVar(&d.team, "team", "", "only this team (ID, channel ID or name)")
	case "access-log", "export", "erase":
		fs.StringVar(&d.team, "team", "", "the borger's team (ID, channel ID or name)")
		fs.StringVar(&d.alias, "alias", "", "the borger's alias")
	}
	switch name {
	case "access-log", "export":
		fs.StringVar(&d.user, "user", "", "a staff member's Slack user ID (instead of --team and --alias)")
	}
	switch name {
	case "access-log":
		fs.StringVar(&d.since, "since", "", "only events from this date on (YYYY-MM-DD)")
		fs.Int64Var(&d.citizen, "citizen", 0, "a borger's ID (as list and erase print it), also one erased: the log keeps its events")
	case "export":
		fs.StringVar(&d.out, "out", "", "the directory to write the files into (made if missing, mode 0700)")
		fs.StringVar(&d.lang, "lang", "", "the language of the coordinator export's CSV and PDF and their names, da or en (default SMALLGOALS_LANG); the other files are named in English")
	case "erase":
		fs.StringVar(&d.reason, "reason", "", "your case reference, kept in the audit event (1-40 letters, digits, . _ - / : #; no spaces)")
		fs.BoolVar(&d.yes, "yes", false, "erase without asking")
		fs.BoolVar(&d.force, "force", false, "erase even though entries were written after the last export (as tving)")
	}
	err := fs.Parse(inv.args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(inv.stdout, "usage: smallgoals dpo %s %s\n\n%s.\n\nflags:\n", name, cmd.usage, capitalize(cmd.summary))
		fs.SetOutput(inv.stdout)
		fs.PrintDefaults()
		return 0
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err == nil {
		err = d.check()
	}
	if err == nil {
		d.actor, err = dpoActor(d.actor, inv.getenv)
	}
	if err != nil {
		if m := strings.TrimSpace(msgs.String()); m != "" {
			err = errors.New(m)
		}
		fmt.Fprintf(inv.stderr, "smallgoals dpo %s: %v\nusage: smallgoals dpo %s %s\n", name, err, name, cmd.usage)
		return 2
	}
	return d.open(func() int { return cmd.run(d) })
}

// check refuses flags that do not go together.
func (d *dpoRun) check() error {
	bySubject := d.name == "access-log" || d.name == "export"
	switch {
	case bySubject && d.user != "" && (d.team != "" || d.alias != ""):
		return errors.New("give --user, or --team and --alias, not both")
	case bySubject && d.user != "" && !slackUserID.MatchString(d.user):
		return fmt.Errorf("--user must be a Slack user ID (such as U0123ABCD) or a shell user name, not %q", d.user)
	case d.citizen != 0 && (d.user != "" || d.team != "" || d.alias != ""):
		return errors.New("give --citizen alone, without --team, --alias or --user")
	case d.name != "list" && d.user == "" && d.citizen == 0 && (d.team == "" || d.alias == ""):
		return errors.New("--team and --alias are required")
	case d.name == "export" && d.out == "":
		return errors.New("--out DIR is required")
	case d.lang != "" && !smallgoals.ValidLang(d.lang):
		return fmt.Errorf("--lang must be da or en, not %q", d.lang)
	case d.name == "erase" && !caseRef.MatchString(d.reason):
		return errors.New("--reason is required: your case reference (journal or ticket number), 1-40 letters, digits, . _ - / : # and no spaces — never a name or other text about the borger")
	case d.name == "erase" && smallgoals.ContainsCPR(d.reason):
		return errors.New("--reason holds what looks like a CPR number")
	}
	if d.since != "" {
		if _, ok := smallgoals.ParseDate(d.since); !ok {
			return fmt.Errorf("--since must be a date (YYYY-MM-DD), not %q", d.since)
		}
	}
	return nil
}

var (
	// actorName is what --actor (or the OS user) may be: a name, no text.
	actorName = regexp.MustCompile(`^[\pL\pN][\pL\pN._-]{0,39}$`)
	// slackUserID is a Slack user ID, or a shell user's name.
	slackUserID = regexp.MustCompile(`^[\pL\pN][\pL\pN._:-]{0,39}$`)
	caseRef     = regexp.MustCompile(`^[\pL\pN][\pL\pN._:/#-]{0,39}$`)
)

// dpoActor is the audit actor: dpo: and --actor, else the OS user. It is
// refused when it names nobody — root, a bare UID (a container's user):
// the log must say which person acted, so give --actor then.
func dpoActor(flagValue string, getenv func(string) string) (string, error) {
	name := flagValue
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
		if name == "" {
			name = getenv("USER")
		}
		if _, err := strconv.Atoi(name); err == nil || name == "root" || name == "" {
			return "", errors.New("cannot tell who you are from the OS user (none, root or a bare UID): give --actor NAME")
		}
	}
	if !actorName.MatchString(name) {
		return "", fmt.Errorf("--actor must be 1-40 letters, digits, . _ - (a name, not text), not %q", name)
	}
	return "dpo:" + name, nil
}

// dpoEnv hides the Slack variables: the DPO's tools run as the shell
// does, and never need Slack (erase reads SLACK_BOT_TOKEN itself).
func dpoEnv(getenv func(string) string) func(string) string {
	return func(k string) string {
		switch strings.TrimSuffix(k, "_FILE") {
		case "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET":
			return ""
		}
		return getenv(k)
	}
}

// open opens the database as every command does (withMain), with the
// configuration read without Slack, and runs fn. The data key must be
// given: the tools decrypt what they read and never make one.
func (d *dpoRun) open(fn func() int) int {
	if key, _, err := secret(d.inv.getenv, "SMALLGOALS_DATA_KEY"); err == nil && key == "" {
		fmt.Fprintln(d.inv.stderr, "smallgoals dpo: configuration: SMALLGOALS_DATA_KEY (or SMALLGOALS_DATA_KEY_FILE) is required: "+
			"the tools decrypt what they read and never make a key (for the shell's database, SMALLGOALS_DATA_KEY_FILE=.smallgoals-data-key)")
		return 2
	}
	inv := *d.inv
	inv.getenv, inv.opts.noMigrate = dpoEnv(d.inv.getenv), d.noMigrate
	return inv.withMain(func(m *Main) int {
		d.m = m
		return fn()
	})
}

// fail reports err: a refusal (audited) in its words, anything else
// logged; both exit 1.
func (d *dpoRun) fail(err error) int {
	var r *commands.Refusal
	if errors.As(err, &r) {
		fmt.Fprintf(d.inv.stderr, "smallgoals dpo %s: refused: %s\n", d.name, r.Msg)
		return 1
	}
	d.m.Log.Error("dpo "+d.name+" failed", "err", err)
	return 1
}

func (d *dpoRun) printJSON(v any) int {
	enc := json.NewEncoder(d.inv.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return d.fail(err)
	}
	return 0
}

// table writes aligned columns: the header, then the rows.
func dpoTable(w io.Writer, header []string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

func dpoDate(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "-"
	}
	return smallgoals.FormatDate(smallgoals.Day(*t, loc))
}

func dpoDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dpoYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// --- list

type dpoTeamJSON struct {
	ID       int64            `json:"id"`
	Name     string           `json:"name"`
	Channel  string           `json:"channel"`
	Lang     string           `json:"lang"`
	TZ       string           `json:"tz"`
	Created  time.Time        `json:"created_at"`
	Citizens []dpoCitizenJSON `json:"borgere"`
}

type dpoCitizenJSON struct {
	ID          int64      `json:"id"`
	Alias       string     `json:"alias"`
	Status      string     `json:"status"` // active or discharged
	Contact     string     `json:"contact"`
	ActiveGoals *int       `json:"active_goals,omitempty"`
	Created     time.Time  `json:"created_at"`
	Discharged  *time.Time `json:"discharged_at"`
	Exported    *time.Time `json:"exported_at"`
}

func dpoList(d *dpoRun) int {
	teams, err := d.m.Commands.OperatorList(d.inv.ctx, d.op(), d.team)
	if err != nil {
		return d.fail(err)
	}
	out := make([]dpoTeamJSON, 0, len(teams))
	for _, tc := range teams {
		t := dpoTeamJSON{ID: tc.Team.ID, Name: tc.Team.Name, Channel: tc.Team.ChannelID, Lang: tc.Team.Lang, TZ: tc.Team.TZ,
			Created: tc.Team.CreatedAt, Citizens: []dpoCitizenJSON{}}
		for _, c := range tc.Served {
			n := c.ActiveGoals
			t.Citizens = append(t.Citizens, dpoCitizenJSON{ID: c.ID, Alias: c.Alias, Status: "active", Contact: c.ContactUser,
				ActiveGoals: &n, Created: c.CreatedAt, Exported: c.ExportedAt})
		}
		for _, c := range tc.Discharged {
			t.Citizens = append(t.Citizens, dpoCitizenJSON{ID: c.ID, Alias: c.Alias, Status: "discharged", Contact: c.ContactUser,
				Created: c.CreatedAt, Discharged: c.DischargedAt, Exported: c.ExportedAt})
		}
		out = append(out, t)
	}
	if d.json {
		return d.printJSON(out)
	}
	var rows [][]string
	for i, t := range out {
		loc := teams[i].Team.Location()
		team := []string{strconv.FormatInt(t.ID, 10), t.Name, t.Channel}
		if len(t.Citizens) == 0 {
			rows = append(rows, append(team, "-", "-", "-", "-", "-", "-", "-"))
		}
		for _, c := range t.Citizens {
			goals := "-"
			if c.ActiveGoals != nil {
				goals = strconv.Itoa(*c.ActiveGoals)
			}
			rows = append(rows, append(append([]string(nil), team...), c.Alias, c.Status, c.Contact, goals,
				dpoDate(&c.Created, loc), dpoDate(c.Discharged, loc), dpoDate(c.Exported, loc)))
		}
	}
	dpoTable(d.inv.stdout, []string{"TEAM", "NAME", "CHANNEL", "ALIAS", "STATUS", "CONTACT", "ACTIVE GOALS", "CREATED", "DISCHARGED", "EXPORTED"}, rows)
	return 0
}

// --- access-log

// eventRows are the audit events as rows: time (in loc, to the second,
// with its offset), actor, action, team, ref, allowed, recipient.
func dpoEventRows(evs []smallgoals.AuditEvent, loc *time.Location) [][]string {
	rows := make([][]string, len(evs))
	for i, ev := range evs {
		team := ""
		if ev.TeamID != nil {
			team = strconv.FormatInt(*ev.TeamID, 10)
		}
		rows[i] = []string{ev.At.In(loc).Format(time.RFC3339), ev.Actor, ev.Action, team, ev.Ref, dpoYesNo(ev.Allowed), ev.Recipient}
	}
	return rows
}

var dpoEventHeader = []string{"TIME", "ACTOR", "ACTION", "TEAM", "REF", "ALLOWED", "RECIPIENT"}

// printEvents prints the events for the operator, a dash for an empty cell.
func (d *dpoRun) printEvents(evs []smallgoals.AuditEvent, loc *time.Location) {
	rows := dpoEventRows(evs, loc)
	for _, r := range rows {
		for i := range r {
			r[i] = dpoDash(r[i])
		}
	}
	dpoTable(d.inv.stdout, dpoEventHeader, rows)
}

// sinceIn is --since as the start of that day in loc; zero without it.
func (d *dpoRun) sinceIn(loc *time.Location) time.Time {
	day, ok := smallgoals.ParseDate(d.since)
	if !ok {
		return time.Time{}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

func dpoAccessLog(d *dpoRun) int {
	if d.user != "" {
		return d.userAccessLog()
	}
	// The borger's team's zone, which is only known once it is found:
	// --since is read in the default zone, as the team's almost always is.
	loc := smallgoals.Location(d.m.Config.TZ)
	var (
		s   commands.Subject
		evs []smallgoals.AuditEvent
		err error
	)
	if d.citizen != 0 {
		s, evs, err = d.m.Commands.OperatorAccessLogByID(d.inv.ctx, d.op(), d.citizen, d.sinceIn(loc))
	} else {
		s, evs, err = d.m.Commands.OperatorAccessLog(d.inv.ctx, d.op(), d.team, d.alias, d.sinceIn(loc))
	}
	if err != nil {
		return d.fail(err)
	}
	if d.json {
		return d.printJSON(map[string]any{"team_id": s.Team.ID, "team": s.Team.Name, "alias": s.Citizen.Alias,
			"citizen_id": s.Citizen.ID, "events": evs})
	}
	gone := ""
	if s.Team.Name == "" {
		gone = " (erased)"
		s.Team.TZ = d.m.Config.TZ
	}
	fmt.Fprintf(d.inv.stdout, "borger %s (citizen %d%s) of team %d %s: %d events\n\n", dpoDash(s.Citizen.Alias), s.Citizen.ID, gone, s.Team.ID,
		s.Team.Name, len(evs))
	d.printEvents(evs, s.Team.Location())
	return 0
}

// auditUser writes the audit event of a request about a staff member,
// the user as its recipient, before it is answered.
func (d *dpoRun) auditUser(action string) error {
	return d.m.DB.CreateAuditEvent(d.inv.ctx, &smallgoals.AuditEvent{At: time.Now(), Actor: d.actor, Action: action,
		Allowed: true, Recipient: d.user})
}

func (d *dpoRun) userAccessLog() int {
	if err := d.auditUser(actUserAccessLog); err != nil {
		return d.fail(err)
	}
	loc := smallgoals.Location(d.m.Config.TZ)
	evs, err := d.m.DB.ListUserAuditEvents(d.inv.ctx, d.user, d.sinceIn(loc))
	if err != nil {
		return d.fail(err)
	}
	if d.json {
		return d.printJSON(map[string]any{"user": d.user, "events": evs})
	}
	fmt.Fprintf(d.inv.stdout, "user %s: %d events as actor or recipient\n\n", d.user, len(evs))
	d.printEvents(evs, loc)
	return 0
}

// --- export

// writeFiles writes the files into d.out (0700), each 0600, and returns
// their paths.
func (d *dpoRun) writeFiles(files map[string][]byte, order []string) ([]string, error) {
	if err := os.MkdirAll(d.out, 0o700); err != nil {
		return nil, err
	}
	var paths []string
	for _, name := range order {
		p := filepath.Join(d.out, name)
		if err := os.WriteFile(p, files[name], 0o600); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func (d *dpoRun) printWritten(paths []string, files map[string][]byte, summary string) int {
	if d.json {
		type file struct {
			Path  string `json:"path"`
			Bytes int    `json:"bytes"`
		}
		fs := make([]file, len(paths))
		for i, p := range paths {
			fs[i] = file{p, len(files[filepath.Base(p)])}
		}
		return d.printJSON(map[string]any{"summary": summary, "files": fs})
	}
	fmt.Fprintln(d.inv.stdout, summary)
	var rows [][]string
	for _, p := range paths {
		rows = append(rows, []string{p, strconv.Itoa(len(files[filepath.Base(p)]))})
	}
	dpoTable(d.inv.stdout, []string{"FILE", "BYTES"}, rows)
	return 0
}

func dpoExport(d *dpoRun) int {
	if d.user != "" {
		return d.userExport()
	}
	x, err := d.m.Commands.OperatorExport(d.inv.ctx, d.op(), d.team, d.alias)
	if err != nil {
		return d.fail(err)
	}
	sent, err := d.m.DB.ListCitizenSent(d.inv.ctx, x.Citizen.ID)
	if err != nil {
		return d.fail(err)
	}
	loc := x.Team.Location()
	alias, stamp := x.Citizen.Alias, smallgoals.FormatDate(smallgoals.Day(time.Now(), loc))
	files := map[string][]byte{}
	var order []string
	for _, f := range x.Files {
		files[f.Name] = f.Data
		order = append(order, f.Name)
	}
	more := []struct {
		name string
		rows [][]string
	}{
		{fmt.Sprintf("citizen-%s-%s.csv", alias, stamp), dpoCitizenRows(x, loc)},
		{fmt.Sprintf("access-log-%s-%s.csv", alias, stamp), append([][]string{dpoEventHeader}, dpoEventRows(x.Events, loc)...)},
		{fmt.Sprintf("slack-%s-%s.csv", alias, stamp), dpoSentRows(sent, loc)},
	}
	for _, m := range more {
		files[m.name] = commands.CSV(m.rows)
		order = append(order, m.name)
	}
	paths, err := d.writeFiles(files, order)
	if err != nil {
		return d.fail(err)
	}
	return d.printWritten(paths, files, fmt.Sprintf("borger %s of team %d %s: %d entries, %d revisions, %d goals, %d plan goals, %d audit events, %d Slack records",
		alias, x.Team.ID, x.Team.Name, x.Entries, x.Revisions, len(x.Goals), len(x.Plans), len(x.Events), len(sent)))
}

// citizenRows is what the coordinator's CSV leaves out, one row per
// thing: the borger itself (alias, contact person, dates), each plan goal
// and each small goal with all its settings — GAS level texts, baseline,
// weight, cadence, next revision — whether or not anything was written on it.
func dpoCitizenRows(x commands.OperatorExport, loc *time.Location) [][]string {
	rows := [][]string{{"KIND", "REF", "TITLE", "STATUS", "CREATED", "CREATED BY", "CLOSED", "PLAN", "SCALE", "TARGET",
		"CADENCE DAYS", "NEXT REVISION", "THEME", "GAS BASELINE", "GAS WEIGHT", "GAS -2", "GAS -1", "GAS 0", "GAS +1", "GAS +2",
		"CONTACT", "DISCHARGED", "LAST EXPORT"}}
	c, blank := x.Citizen, func(n int) []string { return make([]string, n) }
	status := "active"
	if c.DischargedAt != nil {
		status = "discharged"
	}
	row := append([]string{"borger", c.Alias, "", status, dpoStamp(&c.CreatedAt, loc)}, blank(15)...)
	rows = append(rows, append(row, c.ContactUser, dpoStamp(c.DischargedAt, loc), dpoStamp(c.ExportedAt, loc)))
	for _, p := range x.Plans {
		st := "open"
		if p.ClosedAt != nil {
			st = "closed"
		}
		ref := smallgoals.Ref{Alias: c.Alias, Plan: true, N: p.Number}.String()
		row := []string{"plan", ref, p.Title, st, dpoStamp(&p.CreatedAt, loc), p.CreatedBy, dpoStamp(p.ClosedAt, loc), "", "", "",
			"", "", p.Theme}
		rows = append(rows, append(row, blank(10)...))
	}
	num := func(n *int) string {
		if n == nil {
			return ""
		}
		return strconv.Itoa(*n)
	}
	for _, g := range x.Goals {
		plan := ""
		if g.PlanNumber != nil {
			plan = smallgoals.Ref{Alias: c.Alias, Plan: true, N: *g.PlanNumber}.String()
		}
		next := ""
		if g.NextRevision != nil {
			next = smallgoals.FormatDate(*g.NextRevision)
		}
		row := []string{"goal", smallgoals.Ref{Alias: c.Alias, N: g.Number}.String(), g.Title, g.Status, dpoStamp(&g.CreatedAt, loc),
			g.CreatedBy, "", plan, g.Scale().String(), num(g.Target), strconv.Itoa(g.CadenceDays), next, g.Theme,
			num(g.GASBaseline), num(g.GASWeight)}
		row = append(row, g.GASLevels[:]...)
		rows = append(rows, append(row, blank(3)...))
	}
	return rows
}

// sentRows are the records of what the bot put in Slack about the borger.
func dpoSentRows(rs []store.SentRecord, loc *time.Location) [][]string {
	rows := [][]string{{"KIND", "CHANNEL OR FILE NAME", "TS OR FILE ID", "SENT", "DUE FOR DELETION"}}
	for _, r := range rs {
		rows = append(rows, []string{r.Kind, r.Where, r.ID, dpoStamp(&r.At, loc), dpoStamp(r.DeleteAt, loc)})
	}
	return rows
}

// localStamp is a moment in loc, to the second, with its offset; "" for nil.
func dpoStamp(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func (d *dpoRun) userExport() int {
	if err := d.auditUser(actUserExport); err != nil {
		return d.fail(err)
	}
	recs, err := d.m.DB.ListUserRecords(d.inv.ctx, d.user)
	if err != nil {
		return d.fail(err)
	}
	evs, err := d.m.DB.ListUserAuditEvents(d.inv.ctx, d.user, time.Time{})
	if err != nil {
		return d.fail(err)
	}
	loc := smallgoals.Location(d.m.Config.TZ)
	rows := [][]string{{"KIND", "TEAM", "TEAM NAME", "REF", "DAY", "AT", "DETAIL"}}
	for _, r := range recs {
		team := ""
		if r.TeamID != nil {
			team = strconv.FormatInt(*r.TeamID, 10)
		}
		day := ""
		if r.Day != nil {
			day = smallgoals.FormatDate(*r.Day)
		}
		rows = append(rows, []string{r.Kind, team, r.Team, r.Ref, day, dpoStamp(&r.At, loc), r.Detail})
	}
	stamp := smallgoals.FormatDate(smallgoals.Day(time.Now(), loc))
	name, logName := fmt.Sprintf("user-%s-%s.csv", d.user, stamp), fmt.Sprintf("access-log-user-%s-%s.csv", d.user, stamp)
	files := map[string][]byte{name: commands.CSV(rows), logName: commands.CSV(append([][]string{dpoEventHeader}, dpoEventRows(evs, loc)...))}
	paths, err := d.writeFiles(files, []string{name, logName})
	if err != nil {
		return d.fail(err)
	}
	return d.printWritten(paths, files, fmt.Sprintf("user %s: %d records, %d audit events", d.user, len(recs), len(evs)))
}

// --- erase

func dpoErase(d *dpoRun) int {
	ctx := d.inv.ctx
	if !d.yes {
		s, e, err := d.m.Commands.OperatorErasure(ctx, d.op(), d.team, d.alias)
		if err != nil {
			return d.fail(err)
		}
		w := d.inv.stdout
		if d.json {
			w = d.inv.stderr // stdout is for the JSON
		}
		fmt.Fprintf(w, "Erasing borger %s of team %d %s removes %s.\n", s.Citizen.Alias, s.Team.ID, s.Team.Name, dpoErasureCounts(e))
		if e.Unexported > 0 {
			fmt.Fprintf(w, "%d entries were written after the last export", e.Unexported)
			if !d.force {
				fmt.Fprint(w, ": export first, or add --force")
			}
			fmt.Fprintln(w, ".")
		}
		fmt.Fprintf(w, "Type the alias %s to erase it: ", s.Citizen.Alias)
		line, _ := bufio.NewReader(d.inv.stdin).ReadString('\n')
		if smallgoals.AliasKey(strings.TrimSpace(line)) != s.Citizen.Alias {
			fmt.Fprintln(w, "\nNot erased.")
			return 1
		}
		fmt.Fprintln(w)
	}
	er, err := d.m.Commands.OperatorErase(ctx, d.op(), d.team, d.alias, d.reason, d.force)
	if err != nil {
		return d.fail(err)
	}
	// What the bot put in Slack about the borger: deleted now with a bot
	// token, as the coordinator's erasure does; otherwise (and whatever
	// Slack does not delete now) serve's hourly housekeeping job deletes it.
	var del commands.Deletions
	del.MessagesPending, del.FilesPending = len(er.Posts), len(er.Files)
	token, _, err := secret(d.inv.getenv, "SLACK_BOT_TOKEN")
	if err != nil {
		fmt.Fprintf(d.inv.stderr, "smallgoals dpo erase: %v; Slack's copies are left to the housekeeping job\n", err)
	}
	var s *bot.Slack // nil without a token
	if token != "" {
		s = bot.NewSlack(token, "", d.m.Config.SlackAPIURL, d.m.Log)
	}
	if s != nil && len(er.Posts)+len(er.Files) > 0 {
		b := &bot.Bot{Slack: s, FileLog: d.m.DB, Log: d.m.Log}
		r := commands.Reply{Unpost: er.Posts, ForgetDone: func(got commands.Deletions) []commands.Block { del = got; return nil }}
		for _, f := range er.Files {
			r.Forget = append(r.Forget, f.ID)
		}
		b.Forget(ctx, r)
	}
	// The App Homes of the borger's team (all of them without a bot token
	// to ask Slack who is on it) are marked changed: the running bot
	// publishes them again, so that no colleague's Home tab keeps the
	// borger in the view Slack stores (as the coordinator's erasure does).
	if users, err := bot.ErasedHomes(ctx, d.m.DB, s, er.Team.ChannelID, d.m.Log); err != nil {
		fmt.Fprintf(d.inv.stderr, "smallgoals dpo erase: App Homes not refreshed: %v\n", err)
	} else {
		for _, u := range users {
			if _, err := d.m.DB.ChangeHome(ctx, u); err != nil {
				fmt.Fprintf(d.inv.stderr, "smallgoals dpo erase: App Homes not refreshed: %v\n", err)
				break
			}
		}
	}
	if d.json {
		return d.printJSON(map[string]any{"team_id": er.Team.ID, "team": er.Team.Name, "alias": er.Citizen.Alias, "citizen_id": er.Citizen.ID,
			"erased": er.Erasure,
			"slack": map[string]int{"messages_deleted": del.Messages, "files_deleted": del.Files,
				"messages_pending": del.MessagesPending, "files_pending": del.FilesPending}})
	}
	fmt.Fprintf(d.inv.stdout, "Erased borger %s of team %d %s: %s.\n", er.Citizen.Alias, er.Team.ID, er.Team.Name, dpoErasureCounts(er.Erasure))
	fmt.Fprintf(d.inv.stdout, "Slack: %d messages and %d files deleted; %d messages and %d files pending", del.Messages, del.Files,
		del.MessagesPending, del.FilesPending)
	if del.MessagesPending+del.FilesPending > 0 {
		fmt.Fprint(d.inv.stdout, " (serve's hourly housekeeping job, or smallgoals retention --once, deletes them)")
	}
	fmt.Fprintln(d.inv.stdout, ".")
	fmt.Fprintf(d.inv.stdout, "The audit log keeps its events about the borger (smallgoals dpo access-log --citizen %d); "+
		"what users copied or wrote in Slack themselves is not deleted.\n", er.Citizen.ID)
	return 0
}

func dpoErasureCounts(e smallgoals.Erasure) string {
	return fmt.Sprintf("%d plan goals, %d goals, %d entries, %d revisions, %d reflections; %d messages and %d files in Slack",
		e.Plans, e.Goals, e.Entries, e.Revisions, e.Reflections, e.Posts, e.Files)
}
