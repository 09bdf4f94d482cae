package check

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

type service struct {
	Image       string            `json:"image"`
	Command     []string          `json:"command"`
	Environment map[string]string `json:"environment"`
	Secrets     []string          `json:"secrets"`
	ReadOnly    bool              `json:"read_only"`
	CapDrop     []string          `json:"cap_drop"`
}

// docker-compose.yml runs the bot as a role that is not the image's
// superuser and migrates as the owner, with secrets from
// deploy/compose/make-secrets: hex passwords (no "/", "+" or "=") in URLs
// of those two roles.
func TestComposeRoles(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]service `json:"services"`
		Secrets  map[string]struct {
			File string `json:"file"`
		} `json:"secrets"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatal(err)
	}
	db, bot, migrate := compose.Services["db"], compose.Services["bot"], compose.Services["migrate"]
	superuser := db.Environment["POSTGRES_USER"]
	if superuser == "" {
		t.Fatal("db sets no POSTGRES_USER")
	}

	// The secrets as the header's recipe makes them.
	dir := t.TempDir()
	mk := exec.Command("sh", "../compose/make-secrets", filepath.Join(dir, "secrets"))
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make-secrets: %v\n%s", err, out)
	}
	secret := func(svc service, variable string) string {
		t.Helper()
		path := svc.Environment[variable]
		name := strings.TrimPrefix(path, "/run/secrets/")
		if name == path || !slices.Contains(svc.Secrets, name) {
			t.Fatalf("%s = %q is not a secret the service mounts (%v)", variable, path, svc.Secrets)
		}
		file := compose.Secrets[name].File
		if !strings.HasPrefix(file, "./secrets/") {
			t.Fatalf("secret %s is %q, not in ./secrets", name, file)
		}
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatalf("make-secrets did not make %s: %v", file, err)
		}
		return strings.TrimSpace(string(b))
	}
	role := func(svc service) (user, password string) {
		t.Helper()
		u, err := url.Parse(secret(svc, "DATABASE_URL_FILE"))
		if err != nil {
			t.Fatalf("the URL does not parse: %v", err) // the error would hold it; the test's own secrets
		}
		pw, _ := u.User.Password()
		return u.User.Username(), pw
	}
	app, appPW := role(bot)
	owner, ownerPW := role(migrate)
	if app == superuser || owner == superuser || app == owner {
		t.Errorf("roles: bot %q, migrate %q, superuser %q: want three", app, owner, superuser)
	}
	for _, pw := range []string{appPW, ownerPW} {
		if !regexp.MustCompile(`^[0-9a-f]{48}$`).MatchString(pw) {
			t.Errorf("password %q: want 48 hex digits", pw)
		}
	}
	if slices.Contains(bot.Secrets, "owner_database_url") || slices.ContainsFunc(migrate.Secrets, func(s string) bool { return s == "data_key" || strings.HasPrefix(s, "slack_") }) {
		t.Errorf("bot secrets %v, migrate secrets %v: each only its own", bot.Secrets, migrate.Secrets)
	}
	if !slices.Equal(bot.Command, []string{"serve", "--no-migrate"}) || !slices.Equal(migrate.Command, []string{"migrate"}) {
		t.Errorf("bot %q, migrate %q", bot.Command, migrate.Command)
	}
	for name, svc := range map[string]service{"bot": bot, "migrate": migrate} {
		if !svc.ReadOnly || !slices.Equal(svc.CapDrop, []string{"ALL"}) {
			t.Errorf("%s: read_only %v, cap_drop %v", name, svc.ReadOnly, svc.CapDrop)
		}
	}

	// The init script makes both roles, neither a superuser.
	init, err := os.ReadFile("../compose/initdb/10-roles.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{app, owner} {
		if !regexp.MustCompile(`CREATE ROLE ` + r + ` LOGIN NOSUPERUSER `).Match(init) {
			t.Errorf("the init script does not create %s as a non-superuser", r)
		}
	}
	// Running make-secrets again keeps what it made.
	before := secret(bot, "DATABASE_URL_FILE")
	if out, err := exec.Command("sh", "../compose/make-secrets", filepath.Join(dir, "secrets")).CombinedOutput(); err != nil {
		t.Fatalf("make-secrets again: %v\n%s", err, out)
	}
	if secret(bot, "DATABASE_URL_FILE") != before {
		t.Error("make-secrets replaced a password")
	}
}
