package bot_test

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// The manifest decodes strictly into slack.Manifest and asks for exactly
// the scopes the bot uses.
func TestManifest(t *testing.T) {
	b, err := os.ReadFile("../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m slack.Manifest
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest.yml: %v", err)
	}
	allowed := []string{"commands", "chat:write", "im:write", "channels:read", "groups:read", "users:read", "files:write"}
	for _, s := range m.OAuthConfig.Scopes.Bot {
		if !slices.Contains(allowed, s) {
			t.Errorf("unexpected bot scope %q: add it here only with a reason", s)
		}
	}
	if len(m.OAuthConfig.Scopes.Bot) != len(allowed) {
		t.Errorf("bot scopes = %v, want %v", m.OAuthConfig.Scopes.Bot, allowed)
	}
	if len(m.OAuthConfig.Scopes.User) != 0 {
		t.Errorf("user scopes %v: the bot needs none", m.OAuthConfig.Scopes.User)
	}
	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("slash commands = %+v", m.Features.SlashCommands)
	}
	if c := m.Features.SlashCommands[0]; c.Command != "/maal" || !c.ShouldEscape {
		t.Errorf("slash command = %+v, want /maal with should_escape", c)
	}
	if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
		t.Error("interactivity is off")
	}
	if m.Settings.EventSubscriptions == nil || !slices.Contains(m.Settings.EventSubscriptions.BotEvents, "app_home_opened") {
		t.Error("app_home_opened is not subscribed")
	}
	if len(m.Features.Shortcuts) != 1 || m.Features.Shortcuts[0].CallbackID != "log_from_message" || m.Features.Shortcuts[0].Type != slack.MessageShortcut {
		t.Errorf("shortcuts = %+v, want the message shortcut log_from_message", m.Features.Shortcuts)
	}
	if !m.Settings.SocketModeEnabled {
		t.Error("the manifest is for Socket Mode")
	}
}
