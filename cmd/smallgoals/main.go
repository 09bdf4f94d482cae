// Command smallgoals runs the små mål Slack bot (design.md §4.2). Its
// subcommands are in the table of cli.go, which `smallgoals help` prints:
//
//	smallgoals [serve]          run the bot (the shell when no Slack tokens are set)
//	smallgoals shell            the local shell transport explicitly
//	smallgoals migrate [status] apply migrations and exit (no data key), or list them
//	smallgoals grants           the app role's grants, now and after later migrations
//	smallgoals remind --once    run the reminder job once
//	smallgoals digest --once    run the digest job once
//	smallgoals retention --once delete what is past its retention once
//	smallgoals rekey            re-encrypt all free text under the current data key
//	smallgoals demo             fill the database with a small Danish demo data set
//	smallgoals dpo COMMAND      the data-protection officer's tools (list, access-log, export, erase)
//	smallgoals healthcheck      exit 0 if serve answers /readyz (--live: /healthz) on HTTP_ADDR
//	smallgoals version          version, commit and schema version
//	smallgoals help             the subcommands, one line each
//
// Every command that uses the database migrates it first unless
// --no-migrate is given, refuses a schema other than the binary's, and
// then encrypts any rows a migration left in clear.
//
// Free text (notes, titles, GAS level descriptions, reflections) is
// encrypted at rest with SMALLGOALS_DATA_KEY; SMALLGOALS_OLD_DATA_KEYS
// lists retired keys still needed to decrypt until `smallgoals rekey` has
// moved every row under the current key. The shell, without
// SMALLGOALS_DATA_KEY, keeps a generated key in .smallgoals-data-key.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // time zones without the system's zone database (scratch images)

	"github.com/chzyer/readline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"smallgoals"

	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/reminders"
	"smallgoals/store"
)

// defaultGOGC is the garbage collector's target unless GOGC is set. The
// bot's live heap is small (25–50 MB) and every request allocates its
// body and answer, so Go's default of 100 collects every few megabytes:
// ~15 % of the bot's CPU under a load of form submissions. 300 trades
// some tens of megabytes for it (BENCHMARKS.md); GOMEMLIMIT, where set,
// still bounds the heap.
const defaultGOGC = 300

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runJob runs the reminder, digest or retention job once with the clock
// at clock and reports on w what it did.
func (m *Main) runJob(ctx context.Context, name string, clock time.Time, w io.Writer) int {
	switch name {
	case "digest":
		j, err := m.OneShotJobs(ctx)
		if err != nil {
			m.Log.Error("start-up failed", "err", err)
			return 1
		}
		r, err := j.Digester.Digest(ctx, clock)
		if err != nil {
			m.Log.Error("digests failed", "err", err)
			return 1
		}
		fmt.Fprintf(w, "digest: %d posted, %d counts only (public channels), %d failed, %d ambiguous\n",
			r.Posted, r.CountsOnly, r.Failed, r.Ambiguous)
		return 0
	case "remind":
		j, err := m.OneShotJobs(ctx)
		if err != nil {
			m.Log.Error("start-up failed", "err", err)
			return 1
		}
		r, err := j.Reminder.Remind(ctx, clock)
		if err != nil {
			m.Log.Error("reminders failed", "err", err)
			return 1
		}
		fmt.Fprintf(w, "remind: %d DMs with %d goals (%d teams due; %d failed, %d ambiguous)\n",
			r.DMs, r.Goals, r.Teams, r.Failed, r.Ambiguous)
		return 0
	}
	r, err := m.Jobs().Retention(ctx, clock)
	if err != nil {
		m.Log.Error("retention failed", "err", err)
		return 1
	}
	fmt.Fprintf(w, "retention: %d entries deleted, %d entries and revisions kept (not exported); deleted %d revisions, "+
		"%d closed goals, %d plan goals, %d discharged borgere, %d audit events, %d delivery keys, %d outbox rows, %d App Home rows; "+
		"%d files deleted, %d files failed\n",
		r.Entries, r.Kept, r.Revisions, r.Goals, r.PlanGoals, r.Citizens, r.AuditEvents, r.Deliveries, r.Outbox, r.Homes,
		r.FilesDeleted, r.FilesFailed)
	u, err := m.Jobs().Unpost(ctx, clock)
	if err != nil {
		m.Log.Error("deleting erased borgere's messages failed", "err", err)
		return 1
	}
	if u.Deleted+u.Failed > 0 {
		fmt.Fprintf(w, "erased borgere's messages: %d deleted from Slack, %d failed (tried again next run)\n", u.Deleted, u.Failed)
	}
	return 0
}

// Main is the wired program; the end-to-end tests use it too.
type Main struct {
	Config Config
	Keys   *smallgoals.Keyring // the data keys (Config.Keyring)
	Log    *slog.Logger
	Stdin  io.Reader
	Stdout io.Writer
	Now    func() time.Time // the shell's clock; nil: time.Now (the README's test fixes it)

	DB        *store.DB
	Encrypted int // rows left in clear by a migration that Open encrypted
	Commands  *commands.Handler
	Slack     *bot.Slack // nil in the shell
}

// Open connects to the database, migrates it if asked (over
// DATABASE_MIGRATE_URL when set), refuses a schema other than the
// binary's, encrypts the rows a migration left in clear, checks the data
// keys can read what is stored and builds the command handler.
func (m *Main) Open(ctx context.Context, migrate bool) error {
	db, err := store.Open(ctx, m.Config.DatabaseURL, store.Options{MaxConns: m.Config.DatabaseMaxConns,
		MaxConnLifetime: m.Config.DatabaseMaxConnLifetime, TransactionPooler: m.Config.DatabasePoolMode == "transaction", Keys: m.Keys})
	if err != nil {
		return err
	}
	m.DB = db
	registerPoolMetrics(db)
	registerBuildInfo()
	if migrate {
		if m.Config.DatabaseMigrateURL != "" {
			err = store.MigrateURL(ctx, m.Config.DatabaseMigrateURL)
		} else {
			err = db.Migrate(ctx)
		}
		if err != nil {
			return err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	n, err := db.RekeyPlain(ctx)
	m.Encrypted = n
	if err != nil {
		return err
	}
	if n > 0 {
		m.Log.Info("encrypted the rows stored in clear", "rows", n, "key_id", m.Keys.CurrentID())
	}
	if err := m.checkKeys(ctx); err != nil {
		return err
	}
	cc := commands.Config{
		Store:  commands.NewStore(db.InTx),
		Scores: db,
		Logger: m.Log,
		Lang:   m.Config.Lang,
		TZ:     m.Config.TZ,
		Themes: m.Config.Themes,
		// a team's settings show the default retention
		RetentionDays: &m.Config.RetentionDays,
	}
	if t, _ := m.Config.Transport(); t != TransportShell {
		m.Slack = bot.NewSlack(m.Config.SlackBotToken, m.Config.SlackAppToken, m.Config.SlackAPIURL, m.Log)
		cc.Members = m.Slack // in Slack the team channel's members are the team
	}
	h, err := commands.New(cc)
	if err != nil {
		return err
	}
	m.Commands = h
	return nil
}

// checkKeys fails when rows are encrypted under a key the keyring lacks:
// better not to start than to answer every read of them with an error.
func (m *Main) checkKeys(ctx context.Context) error {
	used, err := m.DB.KeyIDs(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for id, n := range used {
		if id != store.PlainKeyID && !m.Keys.Has(id) {
			missing = append(missing, fmt.Sprintf("%s (%d rows)", id, n))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("the database holds text encrypted under data key IDs %s, which neither SMALLGOALS_DATA_KEY (ID %s) nor SMALLGOALS_OLD_DATA_KEYS holds",
		strings.Join(missing, ", "), m.Keys.CurrentID())
}

// Close releases what Open took.
func (m *Main) Close() {
	if m.DB != nil {
		m.DB.Close()
	}
}

// Serve runs the transport the configuration chooses. The Slack modes
// listen on HTTP_ADDR (Slack's routes in HTTP mode; health and metrics in
// both) and drain in-flight work on shutdown.
func (m *Main) Serve(ctx context.Context) error {
	t, _ := m.Config.Transport()
	if t == TransportShell {
		return m.RunShell(ctx)
	}
	if err := m.Slack.Connect(ctx); err != nil {
		return err
	}
	b := &bot.Bot{Handler: m.Commands, Forms: m.Commands, Slack: m.Slack, Log: m.Log,
		FileLog: m.DB, FileTTL: m.Config.FileTTL, Outbox: reminders.Deliverer{Outbox: m.DB, Log: m.Log}, Homes: m.DB}
	// App Home changes made here and on other replicas, until the last
	// requests are done (it stops before b.Wait: a refresh it starts is
	// work Wait must count from the start).
	listenCtx, cancelListen := context.WithCancel(context.WithoutCancel(ctx))
	listened := make(chan struct{})
	if m.Config.DatabasePoolMode == "transaction" && m.Config.DatabaseListenURL == m.Config.DatabaseURL {
		// LISTEN through a pooler in transaction mode hears nothing for
		// sure. Without a listener the replica a change lands on refreshes
		// the Home itself, asking the database each time.
		m.Log.Warn("DATABASE_LISTEN_URL is not set with DATABASE_POOL_MODE=transaction: App Home is refreshed " +
			"without LISTEN, by the replica each change lands on; set it to a direct connection")
		close(listened)
	} else {
		go func() {
			defer close(listened)
			store.Listen(listenCtx, m.Config.DatabaseListenURL, store.HomeChannel, m.Log, b.HomeListener())
		}()
	}
	stopListening := sync.OnceFunc(func() { cancelListen(); <-listened })
	defer stopListening()
	// The jobs' runs are not cut short by SIGTERM: the scheduler stops
	// when serve has drained, waiting for a run in progress (10 s at
	// most), and only then is their context canceled.
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	sched, err := m.Jobs().Start(jobsCtx)
	if err != nil {
		return err
	}
	defer sched.Shutdown()
	// Readiness: the database answers and we are not draining; a change is
	// logged, whether a probe or the watch below finds it.
	var draining atomic.Bool
	readiness := &readiness{log: m.Log}
	ready := func(ctx context.Context) error {
		if draining.Load() {
			return errDraining
		}
		err := m.DB.Ping(ctx)
		if errors.Is(ctx.Err(), context.Canceled) {
			return err // the probe went away, or serve is stopping: no news
		}
		return readiness.note(err)
	}
	go readiness.watch(jobsCtx, ready)
	var handler http.Handler
	var socket *bot.Socket
	separate := m.Config.MetricsAddr != ""
	if t == TransportHTTP {
		handler = (&bot.HTTP{Bot: b, Secret: m.Config.SlackSigningSecret, Ready: ready, NoMetrics: separate}).Routes()
	} else {
		mux := http.NewServeMux()
		if separate {
			bot.HealthOnly(mux, ready)
		} else {
			bot.HealthRoutes(mux, ready)
		}
		handler = mux
		socket = &bot.Socket{Bot: b}
	}
	if m.Config.PprofAddr != "" {
		pmux := http.NewServeMux()
		pmux.HandleFunc("/debug/pprof/", pprof.Index)
		pmux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		pmux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		psrv := &http.Server{Addr: m.Config.PprofAddr, Handler: pmux, ReadHeaderTimeout: 5 * time.Second}
		go psrv.ListenAndServe()
		defer psrv.Close()
	}
	if separate {
		mln, err := net.Listen("tcp", m.Config.MetricsAddr)
		if err != nil {
			return fmt.Errorf("METRICS_ADDR %s: %w", m.Config.MetricsAddr, err)
		}
		msrv := &http.Server{Handler: promhttp.Handler(), ReadHeaderTimeout: 5 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
	}
	ln, err := net.Listen("tcp", m.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", m.Config.HTTPAddr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 20 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	// Socket Mode stops taking envelopes as soon as ctx is done (Slack
	// redelivers the ones it leaves on another replica's connection),
	// while /readyz drains below.
	socketCtx, stopSocket := context.WithCancel(ctx)
	defer stopSocket()
	socketDone := make(chan struct{})
	if socket != nil {
		go func() { defer close(socketDone); errc <- socket.Run(socketCtx) }()
	} else {
		close(socketDone)
	}
	m.Log.Info("serving", "transport", t, "addr", ln.Addr().String(), "team", m.Slack.TeamID)
	select {
	case <-ctx.Done():
		// Draining: /readyz says 503 so the load balancer stops sending
		// here, while requests that still come are served; then the
		// listener closes and the requests in flight finish.
		draining.Store(true)
		m.Log.Info("draining", "for", m.Config.ShutdownDrain)
		time.Sleep(m.Config.ShutdownDrain)
	case err = <-errc:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	// The acknowledgements of the envelopes in flight need the connection:
	// wait until Socket.Run has sent them and closed it, then for the
	// answers that follow through response_url.
	stopSocket()
	<-socketDone
	stopListening()
	b.Stop() // App Home retries give up: the next replica to sync publishes them
	b.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Jobs returns the scheduled jobs. With Slack they post and delete files
// there; in the shell they print what they would send, as the shell
// prints, and delete files from disk.
func (m *Main) Jobs() *reminders.Jobs {
	j := &reminders.Jobs{Store: m.DB, Files: bot.LocalFiles{}, Log: m.Log,
		RetentionDays: m.Config.RetentionDays, AuditDays: m.Config.AuditRetentionDays, Location: smallgoals.Location(m.Config.TZ)}
	calendar := reminders.NewCalendar()
	rem := &reminders.Reminder{Store: m.DB, Text: m.Commands, Calendar: calendar, Log: m.Log}
	dig := &reminders.Digester{Store: m.DB, Text: m.Commands, Calendar: calendar, Log: m.Log, FileTTL: m.Config.FileTTL}
	j.Digester = dig
	j.Posts = m.DB
	if m.Slack != nil {
		j.Files = m.Slack
		j.Messages = m.Slack
		dig.Post = m.Slack
		rem.Post = m.Slack
		rem.IsMember = func(ctx context.Context, t smallgoals.Team, user string) (bool, error) {
			return m.Slack.IsMember(ctx, nil, t, user)
		}
	} else {
		printer := &bot.Shell{Out: m.Stdout, FilesDir: m.Config.FilesDir}
		rem.Post = printer
		dig.Post = printer
		rem.IsMember = func(ctx context.Context, t smallgoals.Team, user string) (bool, error) {
			return m.DB.IsStoredMember(ctx, t.ID, user)
		}
	}
	j.Reminder = rem
	return j
}

// OneShotJobs returns the jobs for a --once run, connected to Slack when
// the configuration has it.
func (m *Main) OneShotJobs(ctx context.Context) (*reminders.Jobs, error) {
	if m.Slack != nil {
		if err := m.Slack.Connect(ctx); err != nil {
			return nil, err
		}
	}
	return m.Jobs(), nil
}

// RunShell runs the shell transport on standard input and output.
func (m *Main) RunShell(ctx context.Context) error {
	msg := m.Commands.Messages()
	sh := &bot.Shell{
		Handler: m.Commands,
		In:      m.Stdin,
		Out:     m.Stdout,
		Prompt:  isTerminal(m.Stdin),
		Now:     m.Now,
		Log:     m.Log,
		Text: func(user, id string) string {
			return msg.T(m.Commands.Lang(ctx, commands.Request{UserID: user, Time: time.Now()}), id)
		},

		FilesDir: m.Config.FilesDir,
		FileLog:  m.DB,
		FileTTL:  m.Config.FileTTL,
		Outbox:   reminders.Deliverer{Outbox: m.DB, Log: m.Log},
	}
	if sh.Prompt {
		// A terminal: line editing and history (in memory only: a line
		// may hold a note about a borger, so none is written to disk).
		rl, err := terminalLines(m.Stdin.(*os.File), m.Stdout)
		if err != nil {
			return fmt.Errorf("shell: terminal: %w", err)
		}
		defer rl.Close()
		sh.Lines, sh.Out = rl, rl.Stdout() // messages for others redraw the prompt under them
	}
	m.Log.Debug("shell started")
	return sh.Run(ctx)
}

// exit logs serve's one "stopped" line (an error if it stopped on one) and
// returns the exit code.
func (m *Main) exit(err error) int {
	if err != nil && !errors.Is(err, context.Canceled) {
		m.Log.Error("stopped", "err", err)
		return 1
	}
	if t, _ := m.Config.Transport(); t != TransportShell {
		m.Log.Info("stopped")
	}
	return 0
}

// newLogger logs to w as LOG_FORMAT says: request IDs on a request's
// lines, durations in seconds (bot.NewLogHandler).
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	return slog.New(bot.NewLogHandler(w, cfg.LogFormat == "json", cfg.LogLevel))
}

// terminalLines reads the terminal in with line editing and history,
// writing to out; its raw mode and width are in's, not the process's
// standard input's.
func terminalLines(in *os.File, out io.Writer) (*readline.Instance, error) {
	fd := int(in.Fd())
	var state *readline.State
	return readline.NewEx(&readline.Config{
		Stdin: io.NopCloser(in), Stdout: out, HistoryLimit: 500,
		FuncIsTerminal: func() bool { return true },
		FuncMakeRaw: func() (err error) {
			state, err = readline.MakeRaw(fd)
			return err
		},
		FuncExitRaw: func() error {
			if state == nil {
				return nil
			}
			return readline.Restore(fd, state)
		},
		FuncGetWidth: func() int {
			if w, _, err := readline.GetSize(fd); err == nil && w > 0 {
				return w
			}
			return 80
		},
	})
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// healthcheck exits 0 if serve on HTTP_ADDR answers /readyz (design.md
// §4.2), or with live /healthz: liveness, which never touches the
// database, so that a database outage does not mark every container
// unhealthy and get it restarted (the image's HEALTHCHECK uses it).
func healthcheck(ctx context.Context, getenv func(string) string, stderr io.Writer, live bool) int {
	addr := getenv("HTTP_ADDR")
	if addr == "" {
		addr = ":3000"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: HTTP_ADDR %q is not host:port\n", addr)
		return 1
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	path := "/readyz"
	if live {
		path = "/healthz"
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s answered %d\n", path, resp.StatusCode)
		return 1
	}
	return 0
}

var poolMetrics sync.Once

// registerPoolMetrics exports the connection pool's use on /metrics (once
// per process: tests open several databases).
func registerPoolMetrics(db *store.DB) {
	poolMetrics.Do(func() {
		prometheus.MustRegister(collectors.NewDBStatsCollector(db.SQL(), "smallgoals"))
		if q := db.WriterSQL(); q != nil {
			prometheus.MustRegister(collectors.NewDBStatsCollector(q, "smallgoals_writer"))
		}
	})
}
