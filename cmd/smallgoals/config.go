package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"smallgoals"
)

// Config is the whole configuration, read from the environment once.
type Config struct {
	DatabaseURL      string
	DatabaseMaxConns int

	SlackBotToken      string
	SlackAppToken      string
	SlackSigningSecret string
	SlackAPIURL        string

	HTTPAddr  string
	TZ        string
	Lang      string
	DataKey   string
	FilesDir  string
	LogLevel  slog.Level
	LogFormat string
}

// Transports, chosen by which Slack variables are set.
const (
	TransportShell  = "shell"
	TransportSocket = "socket"
	TransportHTTP   = "http"
)

// secrets may also be given as NAME_FILE, the path of a file holding them.
var secrets = []string{"DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SMALLGOALS_DATA_KEY"}

// LoadConfig reads the configuration with getenv and checks it; errors
// name the variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	vals := map[string]string{}
	for _, name := range secrets {
		v := getenv(name)
		if file := getenv(name + "_FILE"); file != "" {
			if v != "" {
				return Config{}, fmt.Errorf("set %s or %s_FILE, not both", name, name)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return Config{}, fmt.Errorf("%s_FILE: cannot read the file", name)
			}
			v = string(b)
		}
		vals[name] = strings.TrimSpace(v)
	}
	c := Config{
		DatabaseURL:        vals["DATABASE_URL"],
		SlackBotToken:      vals["SLACK_BOT_TOKEN"],
		SlackAppToken:      vals["SLACK_APP_TOKEN"],
		SlackSigningSecret: vals["SLACK_SIGNING_SECRET"],
		DataKey:            vals["SMALLGOALS_DATA_KEY"],
		SlackAPIURL:        env("SLACK_API_URL", "https://slack.com/api/"),
		HTTPAddr:           env("HTTP_ADDR", ":3000"),
		TZ:                 env("SMALLGOALS_TZ", "Europe/Copenhagen"),
		Lang:               env("SMALLGOALS_LANG", smallgoals.LangDanish),
		FilesDir:           env("SMALLGOALS_FILES_DIR", "./smallgoals-files"),
		LogFormat:          env("LOG_FORMAT", "text"),
	}
	if c.DatabaseURL == "" {
		return c, fmt.Errorf("DATABASE_URL is required (make run starts a throwaway local PostgreSQL for you)")
	}
	if v := env("DATABASE_MAX_CONNS", "20"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("DATABASE_MAX_CONNS must be a whole number from 1 to 1000, not %q", v)
		}
		c.DatabaseMaxConns = n
	}
	if _, err := time.LoadLocation(c.TZ); err != nil {
		return c, fmt.Errorf("SMALLGOALS_TZ: unknown time zone %q", c.TZ)
	}
	if !smallgoals.ValidLang(c.Lang) {
		return c, fmt.Errorf("SMALLGOALS_LANG must be da or en, not %q", c.Lang)
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, not %q", getenv("LOG_LEVEL"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	if _, err := c.Transport(); err != nil {
		return c, err
	}
	return c, nil
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
