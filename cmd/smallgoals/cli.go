package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smallgoals/store"
)

// version and commit name the build. A release sets them with
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD)"
//
// unset, they come from what Go records in the binary (buildVersion).
var version, commit string

// A subcommand of the program (design.md §4.2). The table drives the
// parser, `smallgoals help` and each subcommand's --help.
type subcommand struct {
	name    string
	usage   string // what follows the name on its usage line
	summary string // its line in `smallgoals help`
	maxArgs int    // arguments it takes after its flags
	// flags defines its own flags, into o; nil for none.
	flags func(fs *flag.FlagSet, o *options)
	run   func(inv *invocation) int
}

// options are the values of every subcommand's flags.
type options struct {
	noMigrate bool
	once      bool
	at        string
	// grants
	appRole, owner string
	apply          bool
	// healthcheck
	live bool
}

// invocation is one run of the program: its arguments and surroundings.
type invocation struct {
	ctx            context.Context
	name           string   // the subcommand's
	args           []string // after the subcommand's flags
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	opts           options
}

// subcommands is the table, in the order help lists it.
func subcommands() []subcommand {
	const jobUsage = "--once [--at RFC3339] [--no-migrate]"
	return []subcommand{
		{name: "serve", usage: "[--no-migrate]", summary: "run the bot: Slack when its tokens are set, else the shell (the default)",
			flags: migrateFlag, run: func(inv *invocation) int { return inv.withMain(func(m *Main) int { return m.exit(m.Serve(inv.ctx)) }) }},
		{name: "shell", usage: "[--no-migrate]", summary: "the local shell transport explicitly",
			flags: migrateFlag, run: func(inv *invocation) int {
				return inv.withMain(func(m *Main) int { return m.exit(m.RunShell(inv.ctx)) })
			}},
		{name: "migrate", usage: "[status]", summary: "apply the database migrations and exit (needs no data key); migrate status lists them",
			maxArgs: 1, run: runMigrate},
		{name: "grants", usage: "--app-role ROLE [--owner ROLE] [--apply]", summary: "print the SQL granting the app role what it needs, now and after later migrations (--apply runs it)",
			flags: grantsFlags, run: runGrants},
		{name: "remind", usage: jobUsage, summary: "run the reminder job once, with the clock at --at (default now)",
			flags: jobFlags, run: runJob},
		{name: "digest", usage: jobUsage, summary: "run the weekly digest job once, with the clock at --at (default now)",
			flags: jobFlags, run: runJob},
		{name: "retention", usage: jobUsage, summary: "delete what is past its retention once, with the clock at --at (default now)",
			flags: jobFlags, run: runJob},
		{name: "rekey", usage: "[--no-migrate]", summary: "re-encrypt all free text under the current data key (SMALLGOALS_DATA_KEY)",
			flags: migrateFlag, run: runRekey},
		{name: "demo", usage: "[--no-migrate]", summary: "fill the database with a small Danish demo data set",
			flags: migrateFlag, run: runDemo},
		{name: "dpo", usage: "list|access-log|export|erase [FLAGS]", maxArgs: 64, flags: migrateFlag, run: runDPO,
			summary: "the data-protection officer's tools: a borger's access log, export and erasure, a staff member's data (smallgoals dpo help)"},
		{name: "healthcheck", usage: "[--live]", summary: "exit 0 if serve answers /readyz on HTTP_ADDR, or /healthz with --live (for images without curl)",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.BoolVar(&o.live, "live", false, "ask /healthz (liveness, no database) instead of /readyz: the container image's HEALTHCHECK")
			},
			run: func(inv *invocation) int { return healthcheck(inv.ctx, inv.getenv, inv.stderr, inv.opts.live) }},
		{name: "version", summary: "print the version, commit and schema version (and the database's, with DATABASE_URL)",
			run: runVersion},
		{name: "help", usage: "[COMMAND]", summary: "print this help, or a command's usage and flags", maxArgs: 1, run: runHelp},
	}
}

func migrateFlag(fs *flag.FlagSet, o *options) {
	fs.BoolVar(&o.noMigrate, "no-migrate", false, "do not migrate the database first")
}

func jobFlags(fs *flag.FlagSet, o *options) {
	fs.BoolVar(&o.once, "once", false, "run the job once and exit (required: serve runs it on its schedule)")
	fs.StringVar(&o.at, "at", "", "the clock for --once, RFC 3339, e.g. 2026-11-23T09:00:00+01:00 (default now)")
	migrateFlag(fs, o)
}

func grantsFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.appRole, "app-role", "", "the role the bot connects as (required)")
	fs.StringVar(&o.owner, "owner", "", "the role that owns the tables and runs the migrations, for the printed SQL (default: the role running it)")
	fs.BoolVar(&o.apply, "apply", false, "run the SQL on DATABASE_MIGRATE_URL, else DATABASE_URL, which must name the owner (or a superuser)")
}

// run is the program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	table := subcommands()
	name := "serve"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help":
			printUsage(stdout, table)
			return 0
		case !strings.HasPrefix(a, "-"):
			name, args = a, args[1:]
		}
	}
	sub, ok := find(table, name)
	if !ok {
		names := make([]string, len(table))
		for i, s := range table {
			names[i] = s.name
		}
		fmt.Fprintf(stderr, "smallgoals: unknown command %q (%s); see smallgoals help\n", name, strings.Join(names, ", "))
		return 2
	}
	inv := &invocation{ctx: ctx, name: name, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	fs, msgs := sub.flagSet(&inv.opts)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		sub.printHelp(stdout)
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "smallgoals %s: %s\nusage: smallgoals %s; see smallgoals %s --help\n",
			name, strings.TrimSpace(msgs.String()), strings.TrimSpace(name+" "+sub.usage), name)
		return 2
	}
	inv.args = fs.Args()
	if len(inv.args) > sub.maxArgs {
		fmt.Fprintf(stderr, "smallgoals %s: unexpected argument %q\n", name, inv.args[sub.maxArgs])
		return 2
	}
	return sub.run(inv)
}

func find(table []subcommand, name string) (subcommand, bool) {
	for _, s := range table {
		if s.name == name {
			return s, true
		}
	}
	return subcommand{}, false
}

// flagSet returns a flag set of the subcommand's own flags, into o, and
// the buffer its parse errors are written to.
func (s subcommand) flagSet(o *options) (*flag.FlagSet, *bytes.Buffer) {
	fs := flag.NewFlagSet("smallgoals "+s.name, flag.ContinueOnError)
	msgs := new(bytes.Buffer)
	fs.SetOutput(msgs)
	fs.Usage = func() {} // the caller prints usage, to stdout for --help
	if s.flags != nil {
		s.flags(fs, o)
	}
	return fs, msgs
}

// printUsage writes the program's usage: every subcommand, one line each.
func printUsage(w io.Writer, table []subcommand) {
	fmt.Fprint(w, "smallgoals runs the små mål Slack bot.\n\nusage: smallgoals [COMMAND] [FLAGS]\n\ncommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range table {
		fmt.Fprintf(tw, "  %s\t%s\n", s.name, s.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nEvery command that uses the database migrates it first unless --no-migrate is given,\n"+
		"and refuses to run on a schema version other than this binary's (see smallgoals version).\n"+
		"The configuration is read from the environment (DATABASE_URL, SLACK_BOT_TOKEN, …; see the README).\n"+
		"smallgoals COMMAND --help lists a command's flags.\n")
}

// printHelp writes the subcommand's usage line, summary and flags.
func (s subcommand) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: smallgoals %s\n\n%s.\n", strings.TrimSpace(s.name+" "+s.usage), capitalize(s.summary))
	fs, _ := s.flagSet(new(options))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		fmt.Fprint(w, "\nIt takes no flags.\n")
		return
	}
	fmt.Fprint(w, "\nflags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// withMain loads the configuration, opens the database (migrating it
// unless --no-migrate) and runs fn on the wired program.
func (inv *invocation) withMain(fn func(m *Main) int) int {
	cfg, err := LoadConfig(inv.getenv)
	if err != nil {
		fmt.Fprintf(inv.stderr, "smallgoals: configuration: %v\n", err)
		return 2
	}
	log := newLogger(cfg, inv.stderr)
	keys, err := cfg.Keyring(".", log)
	if err != nil {
		fmt.Fprintf(inv.stderr, "smallgoals: configuration: %v\n", err)
		return 2
	}
	m := &Main{Config: cfg, Keys: keys, Log: log, Stdin: inv.stdin, Stdout: inv.stdout}
	if err := m.Open(inv.ctx, !inv.opts.noMigrate); err != nil {
		log.Error("start-up failed", "err", err)
		return 1
	}
	defer m.Close()
	return fn(m)
}

// runMigrate migrates the database over DATABASE_MIGRATE_URL, else
// DATABASE_URL, or lists its migrations (status). It reads only the
// database's options: it needs no data key and no Slack.
func runMigrate(inv *invocation) int {
	if len(inv.args) == 1 && inv.args[0] != "status" {
		fmt.Fprintf(inv.stderr, "smallgoals migrate: unexpected argument %q; usage: smallgoals migrate [status]\n", inv.args[0])
		return 2
	}
	cfg, err := loadConfig(inv.getenv, dbOptions)
	if err != nil {
		fmt.Fprintf(inv.stderr, "smallgoals: configuration: %v\n", err)
		return 2
	}
	log := newLogger(cfg, inv.stderr)
	if len(inv.args) == 1 {
		return migrateStatus(inv, cfg.ownerURL())
	}
	if cfg.DatabasePoolMode == "transaction" && cfg.DatabaseMigrateURL == "" {
		log.Error("migrations refused", "err", store.ErrPoolerMigrate)
		return 1
	}
	if err := store.MigrateURL(inv.ctx, cfg.ownerURL()); err != nil {
		log.Error("migrations failed", "err", err)
		return 1
	}
	log.Info("migrations applied", "schema_version", store.SchemaVersion())
	return 0
}

// migrateStatus prints the database's migrations (design.md §4.2): each
// embedded one, applied (when) or pending, and any the database has that
// this binary lacks.
func migrateStatus(inv *invocation, url string) int {
	ms, err := store.MigrationStatus(inv.ctx, url)
	if err != nil {
		fmt.Fprintf(inv.stderr, "smallgoals migrate status: %v\n", err)
		return 1
	}
	var applied int64
	pending := 0
	for _, m := range ms {
		switch {
		case !m.Applied.IsZero():
			applied = max(applied, m.Version)
		default:
			pending++
		}
	}
	fmt.Fprintf(inv.stdout, "schema: database %d, this binary %d; %d pending\n", applied, store.SchemaVersion(), pending)
	tw := tabwriter.NewWriter(inv.stdout, 0, 0, 2, ' ', 0)
	for _, m := range ms {
		switch {
		case m.Name == "":
			fmt.Fprintf(tw, "applied\t%s\t%05d (not in this binary: a newer smallgoals migrated it)\n", m.Applied.UTC().Format(time.RFC3339), m.Version)
		case m.Applied.IsZero():
			fmt.Fprintf(tw, "pending\t-\t%s\n", m.Name)
		default:
			fmt.Fprintf(tw, "applied\t%s\t%s\n", m.Applied.UTC().Format(time.RFC3339), m.Name)
		}
	}
	tw.Flush()
	return 0
}

// runGrants prints the grants of the app role, or runs them as the owner.
func runGrants(inv *invocation) int {
	if inv.opts.appRole == "" {
		fmt.Fprint(inv.stderr, "smallgoals grants: --app-role is required; see smallgoals grants --help\n")
		return 2
	}
	if !inv.opts.apply {
		fmt.Fprintf(inv.stdout, "-- smallgoals %s: as the owner of the tables, after `smallgoals migrate`; idempotent\n", buildVersion())
		for _, s := range store.Grants(inv.opts.appRole, inv.opts.owner) {
			fmt.Fprintf(inv.stdout, "%s;\n", s)
		}
		return 0
	}
	cfg, err := loadConfig(inv.getenv, dbOptions)
	if err != nil {
		fmt.Fprintf(inv.stderr, "smallgoals: configuration: %v\n", err)
		return 2
	}
	if err := store.ApplyGrants(inv.ctx, cfg.ownerURL(), inv.opts.appRole); err != nil {
		newLogger(cfg, inv.stderr).Error("grants failed", "err", err)
		return 1
	}
	fmt.Fprintf(inv.stderr, "grants: %s may use the database, and the tables later migrations create\n", inv.opts.appRole)
	return 0
}

func runRekey(inv *invocation) int {
	return inv.withMain(func(m *Main) int {
		n, err := m.DB.Rekey(inv.ctx)
		n += m.Encrypted
		if err != nil {
			m.Log.Error("rekey failed", "rows_done", n, "err", err)
			return 1
		}
		fmt.Fprintf(inv.stderr, "rekey: %d rows re-encrypted under key %s\n", n, m.Keys.CurrentID())
		return 0
	})
}

func runDemo(inv *invocation) int {
	return inv.withMain(func(m *Main) int {
		if err := m.Demo(inv.ctx, time.Now(), inv.stderr); err != nil {
			m.Log.Error("demo failed", "err", err)
			return 1
		}
		return 0
	})
}

// runJob runs the reminder, digest or retention job once.
func runJob(inv *invocation) int {
	name := inv.name
	return inv.withMain(func(m *Main) int {
		if !inv.opts.once {
			fmt.Fprintf(inv.stderr, "smallgoals %s: only --once is supported; serve runs the job on its schedule\n", name)
			return 2
		}
		clock := time.Now()
		if inv.opts.at != "" {
			t, err := time.Parse(time.RFC3339, inv.opts.at)
			if err != nil {
				fmt.Fprintf(inv.stderr, "smallgoals %s: --at must be RFC 3339, e.g. 2026-11-23T09:00:00+01:00\n", name)
				return 2
			}
			clock = t
		}
		return m.runJob(inv.ctx, name, clock, inv.stderr)
	})
}

// runHelp prints the program's usage, or a subcommand's.
func runHelp(inv *invocation) int {
	table := subcommands()
	if len(inv.args) == 0 {
		printUsage(inv.stdout, table)
		return 0
	}
	sub, ok := find(table, inv.args[0])
	if !ok {
		fmt.Fprintf(inv.stderr, "smallgoals help: unknown command %q; see smallgoals help\n", inv.args[0])
		return 2
	}
	sub.printHelp(inv.stdout)
	return 0
}

// runVersion prints the build's version and commit, the schema version
// it migrates to and, with DATABASE_URL, the database's.
func runVersion(inv *invocation) int {
	schema := store.SchemaVersion()
	fmt.Fprintf(inv.stdout, "version   %s\ncommit    %s\nschema    %d\n", buildVersion(), buildCommit(), schema)
	url, _, err := secret(inv.getenv, "DATABASE_URL")
	if err != nil {
		fmt.Fprintf(inv.stderr, "smallgoals version: configuration: %v\n", err)
		return 2
	}
	if url == "" {
		fmt.Fprintln(inv.stdout, "database  - (DATABASE_URL is not set)")
		return 0
	}
	ctx, cancel := context.WithTimeout(inv.ctx, 5*time.Second)
	defer cancel()
	applied, err := store.AppliedVersion(ctx, url)
	if err != nil {
		fmt.Fprintln(inv.stdout, "database  unknown")
		fmt.Fprintf(inv.stderr, "smallgoals version: %v\n", err)
		return 1
	}
	note := ""
	switch {
	case applied < schema:
		note = fmt.Sprintf(" (%d migrations pending)", schema-applied)
	case applied > schema:
		note = " (newer than this binary)"
	}
	fmt.Fprintf(inv.stdout, "database  %d%s\n", applied, note)
	return 0
}

// buildVersion is main.version, else the main module's version Go
// recorded, else "(devel)".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// buildCommit is main.commit, else the VCS revision Go recorded (marked
// when the tree had changes), else "unknown".
func buildCommit() string {
	if commit != "" {
		return commit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, modified := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	switch {
	case rev == "":
		return "unknown"
	case modified:
		return rev + " (modified)"
	}
	return rev
}

var buildInfo sync.Once

// registerBuildInfo exports smallgoals_build_info{version,commit,schema},
// always 1, on /metrics (once per process).
func registerBuildInfo() {
	buildInfo.Do(func() {
		prometheus.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "smallgoals_build_info",
			Help: "The running build: its version, commit and the schema version it runs on; always 1.",
			ConstLabels: prometheus.Labels{"version": buildVersion(), "commit": buildCommit(),
				"schema": strconv.FormatInt(store.SchemaVersion(), 10)},
		}, func() float64 { return 1 }))
	})
}
