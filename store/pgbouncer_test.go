package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// pgbouncer starts Debian's pgbouncer in transaction mode in front of the
// database at dbURL and returns a URL through it; it is stopped when the
// test ends. It skips the test when pgbouncer is not installed
// (scripts/ensure-tools installs it as root).
func pgbouncer(t *testing.T, dbURL string) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/pgbouncer"); serr != nil {
			t.Skip("pgbouncer is not installed (as root, scripts/ensure-tools installs it; else apt-get install pgbouncer): the PgBouncer test is skipped")
		}
		bin = "/usr/sbin/pgbouncer"
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	host, port := q.Get("host"), q.Get("port")
	if host == "" {
		host = u.Hostname()
	}
	if port == "" {
		port = u.Port()
	}
	if port == "" {
		port = "5432"
	}
	pw, _ := u.User.Password()
	conn := fmt.Sprintf("host=%s port=%s dbname=%s user=%s", host, port, strings.TrimPrefix(u.Path, "/"), u.User.Username())
	if pw != "" {
		conn += " password=" + pw
	}
	// A directory the pgbouncer user can use: as root it runs as postgres.
	dir, err := os.MkdirTemp("", "sgpgb.")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	const listenPort = "6432" // the socket's file name; the directory is the test's own
	cfg := filepath.Join(dir, "pgbouncer.ini")
	err = os.WriteFile(cfg, []byte(`[databases]
sg = `+conn+`

[pgbouncer]
listen_addr =
listen_port = `+listenPort+`
unix_socket_dir = `+dir+`
auth_type = any
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = `+filepath.Join(dir, "pgbouncer.log")+`
pidfile = `+filepath.Join(dir, "pgbouncer.pid")+`
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{cfg}
	if os.Geteuid() == 0 { // pgbouncer refuses to run as root
		if _, err := user.Lookup("postgres"); err != nil {
			t.Skip("running as root without a postgres user for pgbouncer: the PgBouncer test is skipped")
		}
		args = []string{"-u", "postgres", cfg}
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("pgbouncer: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	socket := filepath.Join(dir, ".s.PGSQL."+listenPort)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := os.Stat(socket); err == nil {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			t.Fatalf("pgbouncer did not start:\n%s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Sprintf("postgres://%s@/sg?host=%s&port=%s&sslmode=disable", u.User.Username(), dir, listenPort)
}

// The store behind PgBouncer in transaction mode, as serve runs it
// (DATABASE_POOL_MODE=transaction): scores logged concurrently are each
// stored once, through the writer's batches; a digest claim is taken
// once by concurrent claimers; a command's transaction reads and writes;
// Migrate refuses and names DATABASE_MIGRATE_URL. A session setting as a
// startup parameter, as the writer used to send lock_timeout, is refused
// by PgBouncer.
func TestPgBouncerTransactionMode(t *testing.T) {
	direct := storetest.URL(t)
	through := pgbouncer(t, direct)
	ctx := context.Background()

	old, err := sql.Open("postgres", through+"&lock_timeout=2000")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := old.PingContext(ctx); err == nil || !strings.Contains(err.Error(), "unsupported startup parameter") {
		t.Errorf("a session setting as a startup parameter through PgBouncer: %v; want it refused", err)
	}

	db, err := store.Open(ctx, through, store.Options{MaxConns: 10, Keys: storetest.Keyring(), TransactionPooler: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); !errors.Is(err, store.ErrPoolerMigrate) || !strings.Contains(err.Error(), "DATABASE_MIGRATE_URL") {
		t.Errorf("Migrate through PgBouncer = %v; want ErrPoolerMigrate", err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema through PgBouncer: %v", err)
	}
	f := entrySetup(t, db)

	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	stored := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := []smallgoals.Goal{f.g, f.h}[i%2]
			res, err := db.Append(ctx, appendOf(f, g, fmt.Sprintf("U%d", i%7), 1+i%10, nil, "note", t0, "2025-03-10", fmt.Sprintf("command:B%d", i)))
			errs[i], stored[i] = err, res.Stored
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !stored[i] {
			t.Fatalf("score %d through PgBouncer: stored %t, %v", i, stored[i], errs[i])
		}
	}
	raw, err := sql.Open("postgres", direct)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var entries, events int
	raw.QueryRow(`SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM audit_events WHERE action = $1)`,
		smallgoals.ActEntryCreate).Scan(&entries, &events)
	if entries != n || events != n {
		t.Errorf("%d entries and %d audit events written; want %d each", entries, events, n)
	}

	// The digest's claim: one of several replicas claiming at once wins.
	var claimed, failed int
	var mu sync.Mutex
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := db.Claim(ctx, smallgoals.OutboxClaim{Kind: "digest", Key: "team:1:2025-W11", At: t0,
				Lease: 10 * time.Minute, WindowEnd: t0.Add(24 * time.Hour)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failed++
				t.Errorf("Claim through PgBouncer: %v", err)
			case ok:
				claimed++
			}
		}()
	}
	wg.Wait()
	if claimed != 1 {
		t.Errorf("the digest was claimed %d times by 8 claimers; want once", claimed)
	}
	if _, err := db.DigestOf(ctx, f.team.ID, day("2025-03-03"), day("2025-03-10")); err != nil {
		t.Errorf("DigestOf through PgBouncer: %v", err)
	}
	if err := db.Record(ctx, smallgoals.Delivered{Kind: "digest", Key: "team:1:2025-W11", Status: "sent", At: t0}); err != nil {
		t.Errorf("Record through PgBouncer: %v", err)
	}
}
