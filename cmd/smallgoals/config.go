package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"smallgoals"
	"smallgoals/commands"
)

// Config is the whole configuration, read from the environment once.
type Config struct {
	DatabaseURL      string
	DatabaseMaxConns int
	// DatabaseMigrateURL, when set, is where migrations run instead of
	// DatabaseURL: a direct connection to PostgreSQL as the owner.
	DatabaseMigrateURL      string
	DatabaseMaxConnLifetime time.Duration
	// DatabasePoolMode is "transaction" when DatabaseURL goes through
	// PgBouncer in transaction mode, else "session".
	DatabasePoolMode string

	SlackBotToken      string
	SlackAppToken      string
	SlackSigningSecret string
	SlackAPIURL        string

	// DataKey encrypts free text at rest (nil: not set; the shell then
	// uses ShellKeyFile); OldDataKeys still decrypt what older keys sealed.
	DataKey     *smallgoals.Key
	OldDataKeys []smallgoals.Key

	HTTPAddr string
	// ShutdownDrain is how long serve keeps serving after SIGTERM with
	// /readyz at 503, so a load balancer stops sending first.
	ShutdownDrain time.Duration
	// PprofAddr, when set, serves Go's profiler there (for benchmarks).
	PprofAddr string
	// MetricsAddr, when set, serves /metrics there instead of on HTTPAddr.
	MetricsAddr string
	TZ          string
	Lang        string
	FilesDir    string
	// Themes is the theme catalogue: SMALLGOALS_THEMES_FILE, or the one
	// shipped (VUM 2.0 / FFB for adults).
	Themes *commands.Themes
	// RetentionDays keeps closed goals, what is on them and discharged
	// citizens this many days (a team may say otherwise);
	// AuditRetentionDays keeps the audit log, longer; FileTTL keeps files
	// the bot sent this long.
	RetentionDays      int
	AuditRetentionDays int
	FileTTL            time.Duration
	LogLevel           slog.Level
	LogFormat          string
}

// ownerURL is where migrations and grants run: DATABASE_MIGRATE_URL, else
// DATABASE_URL.
func (c Config) ownerURL() string {
	if c.DatabaseMigrateURL != "" {
		return c.DatabaseMigrateURL
	}
	return c.DatabaseURL
}

// Transports, chosen by which Slack variables are set.
const (
	TransportShell  = "shell"
	TransportSocket = "socket"
	TransportHTTP   = "http"
)

// ShellKeyFile is where the shell keeps the data key it generates when
// SMALLGOALS_DATA_KEY is not set, in the working directory.
const ShellKeyFile = ".smallgoals-data-key"

// makeKey says how to make a data key.
const makeKey = "make one with `openssl rand -base64 32`"

// secret reads a secret from NAME or from the file NAME_FILE names, and
// says which variable it came from.
func secret(getenv func(string) string, name string) (value, from string, err error) {
	v := getenv(name)
	file := getenv(name + "_FILE")
	if file == "" {
		return strings.TrimSpace(v), name, nil
	}
	if v != "" {
		return "", "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", "", fmt.Errorf("%s_FILE: cannot read the file", name)
	}
	return strings.TrimSpace(string(b)), name + "_FILE", nil
}

// An option is one environment variable of the configuration: its name,
// its default ("" for none), whether it is a secret (then also NAME_FILE,
// the path of a file holding it), and how it is read into a Config —
// checked, with an error that names the variable and never a secret's
// value. Options are read in this order. The README's configuration
// table is checked against this table (config_test.go): envOptions.
type option struct {
	name   string
	def    string
	secret bool
	read   func(c *Config, v, from string) error
}

var envOptions = []option{
	{"DATABASE_URL", "", true, func(c *Config, v, _ string) error {
		if v == "" {
			return errors.New("DATABASE_URL is required (make run starts a throwaway local PostgreSQL for you)")
		}
		c.DatabaseURL = v
		return nil
	}},
	{"DATABASE_MAX_CONNS", "20", false, func(c *Config, v, _ string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("DATABASE_MAX_CONNS must be a whole number from 1 to 1000, not %q", v)
		}
		c.DatabaseMaxConns = n
		return nil
	}},
	{"DATABASE_MIGRATE_URL", "", true, func(c *Config, v, _ string) error { c.DatabaseMigrateURL = v; return nil }},
	{"DATABASE_MAX_CONN_LIFETIME", "30m", false, func(c *Config, v, _ string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 24*time.Hour {
			return fmt.Errorf("DATABASE_MAX_CONN_LIFETIME must be a duration from 0s (no limit) to 24h, e.g. 30m, not %q", v)
		}
		c.DatabaseMaxConnLifetime = d
		return nil
	}},
	{"DATABASE_POOL_MODE", "session", false, func(c *Config, v, _ string) error {
		if v != "session" && v != "transaction" {
			return fmt.Errorf("DATABASE_POOL_MODE must be session (a direct connection, or a pooler in session mode) or transaction (PgBouncer's pool_mode = transaction), not %q", v)
		}
		c.DatabasePoolMode = v
		return nil
	}},
	{"SLACK_BOT_TOKEN", "", true, func(c *Config, v, _ string) error { c.SlackBotToken = v; return nil }},
	{"SLACK_APP_TOKEN", "", true, func(c *Config, v, _ string) error { c.SlackAppToken = v; return nil }},
	{"SLACK_SIGNING_SECRET", "", true, func(c *Config, v, _ string) error {
		c.SlackSigningSecret = v
		_, err := c.Transport() // the three Slack variables are read
		return err
	}},
	{"SLACK_API_URL", "https://slack.com/api/", false, func(c *Config, v, _ string) error { c.SlackAPIURL = v; return nil }},
	{"HTTP_ADDR", ":3000", false, func(c *Config, v, _ string) error { c.HTTPAddr = v; return nil }},
	{"SHUTDOWN_DRAIN", "3s", false, func(c *Config, v, _ string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 5*time.Minute {
			return fmt.Errorf("SHUTDOWN_DRAIN must be a duration from 0s to 5m, e.g. 3s, not %q", v)
		}
		c.ShutdownDrain = d
		return nil
	}},
	{"PPROF_ADDR", "", false, func(c *Config, v, _ string) error { c.PprofAddr = v; return nil }},
	{"METRICS_ADDR", "", false, func(c *Config, v, _ string) error { c.MetricsAddr = v; return nil }},
	{"SMALLGOALS_TZ", "Europe/Copenhagen", false, func(c *Config, v, _ string) error {
		if _, err := time.LoadLocation(v); err != nil {
			return fmt.Errorf("SMALLGOALS_TZ: unknown time zone %q", v)
		}
		c.TZ = v
		return nil
	}},
	{"SMALLGOALS_LANG", smallgoals.LangDanish, false, func(c *Config, v, _ string) error {
		if !smallgoals.ValidLang(v) {
			return fmt.Errorf("SMALLGOALS_LANG must be da or en, not %q", v)
		}
		c.Lang = v
		return nil
	}},
	{"SMALLGOALS_THEMES_FILE", "", false, func(c *Config, v, _ string) error {
		if v == "" {
			c.Themes = commands.DefaultThemes()
			return nil
		}
		t, err := commands.LoadThemes(v)
		if err != nil {
			return fmt.Errorf("SMALLGOALS_THEMES_FILE: the theme catalogue %s: %w", v, err)
		}
		c.Themes = t
		return nil
	}},
	// Key errors name the variable, never its value.
	{"SMALLGOALS_DATA_KEY", "", true, func(c *Config, v, from string) error {
		if v == "" {
			if t, _ := c.Transport(); t != TransportShell {
				return fmt.Errorf("SMALLGOALS_DATA_KEY is required with Slack: it encrypts notes, titles and reflections in the database; %s, keep it safe and set it (or SMALLGOALS_DATA_KEY_FILE)", makeKey)
			}
			return nil
		}
		k, err := smallgoals.ParseKey(v)
		if err != nil {
			return fmt.Errorf("%s must be base64 of 32 random bytes; %s", from, makeKey)
		}
		c.DataKey = &k
		return nil
	}},
	{"SMALLGOALS_OLD_DATA_KEYS", "", true, func(c *Config, v, from string) error {
		parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' || r == '\t' || r == '\r' })
		for i, p := range parts {
			k, err := smallgoals.ParseKey(p)
			if err != nil {
				return fmt.Errorf("%s: key %d of %d is not base64 of 32 bytes", from, i+1, len(parts))
			}
			c.OldDataKeys = append(c.OldDataKeys, k)
		}
		return nil
	}},
	{"SMALLGOALS_FILES_DIR", "./smallgoals-files", false, func(c *Config, v, _ string) error { c.FilesDir = v; return nil }},
	{"RETENTION_DAYS", "730", false, func(c *Config, v, _ string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 36500 {
			return fmt.Errorf("RETENTION_DAYS must be a whole number of days from 0 (keep everything) to 36500, not %q", v)
		}
		c.RetentionDays = n
		return nil
	}},
	// Read after RETENTION_DAYS: the audit log must outlive the data.
	{"AUDIT_RETENTION_DAYS", "1826", false, func(c *Config, v, _ string) error {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || (n != 0 && (n < smallgoals.MinAuditRetentionDays || n > 36500)):
			return fmt.Errorf("AUDIT_RETENTION_DAYS must be a whole number of days from %d to 36500, or 0 (keep the access log), not %q",
				smallgoals.MinAuditRetentionDays, v)
		case c.RetentionDays == 0 && n != 0:
			return fmt.Errorf("AUDIT_RETENTION_DAYS is %d, but RETENTION_DAYS is 0 (keep the data): the access log must be kept longer than the data it describes, so set AUDIT_RETENTION_DAYS=0 too, or give RETENTION_DAYS a number of days", n)
		case n != 0 && n <= c.RetentionDays:
			return fmt.Errorf("AUDIT_RETENTION_DAYS is %d, not more than RETENTION_DAYS (%d): the access log must be kept longer than the data it describes", n, c.RetentionDays)
		}
		c.AuditRetentionDays = n
		return nil
	}},
	{"SMALLGOALS_FILE_TTL", "72h", false, func(c *Config, v, _ string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return fmt.Errorf("SMALLGOALS_FILE_TTL must be a duration of at least 1m, e.g. 72h, not %q", v)
		}
		c.FileTTL = d
		return nil
	}},
	{"LOG_LEVEL", "info", false, func(c *Config, v, _ string) error {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, not %q", v)
		}
		return nil
	}},
	{"LOG_FORMAT", "text", false, func(c *Config, v, _ string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("LOG_FORMAT must be text or json, not %q", v)
		}
		c.LogFormat = v
		return nil
	}},
}

// LoadConfig reads the configuration with getenv and checks it, option by
// option; errors name the variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	return loadConfig(getenv, nil)
}

// dbOptions are the options of the commands that use the database as its
// owner and nothing else (migrate, grants): no Slack, no data key.
var dbOptions = []string{"DATABASE_URL", "DATABASE_MIGRATE_URL", "DATABASE_POOL_MODE", "LOG_LEVEL", "LOG_FORMAT"}

// loadConfig reads the options named in only (every option when nil), as
// LoadConfig; the others keep their zero values.
func loadConfig(getenv func(string) string, only []string) (Config, error) {
	var c Config
	for _, o := range envOptions {
		if only != nil && !slices.Contains(only, o.name) {
			continue
		}
		v, from := strings.TrimSpace(getenv(o.name)), o.name
		if o.secret {
			var err error
			if v, from, err = secret(getenv, o.name); err != nil {
				return c, err
			}
		}
		if v == "" {
			v = o.def
		}
		if err := o.read(&c, v, from); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Keyring returns the data keys: SMALLGOALS_DATA_KEY to encrypt, with
// SMALLGOALS_OLD_DATA_KEYS to decrypt as well. In the shell without
// SMALLGOALS_DATA_KEY the key is read from ShellKeyFile in dir, which is
// generated (mode 0600) the first time and logged once.
func (c Config) Keyring(dir string, log *slog.Logger) (*smallgoals.Keyring, error) {
	if c.DataKey != nil {
		return smallgoals.NewKeyring(*c.DataKey, c.OldDataKeys...)
	}
	if t, _ := c.Transport(); t != TransportShell {
		return nil, fmt.Errorf("SMALLGOALS_DATA_KEY is required with Slack; %s", makeKey)
	}
	k, err := shellKey(filepath.Join(dir, ShellKeyFile), log)
	if err != nil {
		return nil, err
	}
	return smallgoals.NewKeyring(k, c.OldDataKeys...)
}

// shellKey reads the shell's data key from path, or generates it there.
func shellKey(path string, log *slog.Logger) (smallgoals.Key, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		k, err := smallgoals.ParseKey(string(b))
		if err != nil {
			return smallgoals.Key{}, fmt.Errorf("%s does not hold a data key (base64 of 32 bytes); set SMALLGOALS_DATA_KEY instead, or delete the file if the shell's database holds nothing you need", path)
		}
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return smallgoals.Key{}, fmt.Errorf("%s: cannot read the shell's data key", path)
	}
	k, b64 := smallgoals.GenerateKey()
	// Written whole to a file of its own (CreateTemp makes it 0600), then
	// linked into place, so a shell starting at the same moment never
	// reads half a key and both end up with the same one.
	tmp, err := os.CreateTemp(filepath.Dir(path), ShellKeyFile+".*")
	if err != nil {
		return smallgoals.Key{}, fmt.Errorf("%s: cannot write the shell's data key", path)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(b64 + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return shellKey(path, log) // another shell was first
	}
	if err != nil {
		return smallgoals.Key{}, fmt.Errorf("%s: cannot write the shell's data key", path)
	}
	log.Warn("SMALLGOALS_DATA_KEY is not set: generated a data key for the shell; keep the file, the shell's data cannot be read without it",
		"file", path, "key_id", k.ID())
	return k, nil
}

// Transport returns the transport the Slack variables choose:
// SLACK_APP_TOKEN + SLACK_BOT_TOKEN → Socket Mode; SLACK_SIGNING_SECRET +
// SLACK_BOT_TOKEN → HTTP; none of the three → the shell. Any other
// combination is an error naming what is missing.
func (c Config) Transport() (string, error) {
	bot, app, secret := c.SlackBotToken != "", c.SlackAppToken != "", c.SlackSigningSecret != ""
	switch {
	case !bot && !app && !secret:
		return TransportShell, nil
	case bot && app:
		return TransportSocket, nil
	case bot && secret:
		return TransportHTTP, nil
	case bot:
		return "", fmt.Errorf("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP) is")
	default:
		return "", fmt.Errorf("SLACK_BOT_TOKEN is missing: Slack needs it with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP); unset them all for the shell")
	}
}
