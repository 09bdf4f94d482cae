package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// A limited warning is logged once an interval; the next one says how
// many were left out meanwhile.
func TestLimitedWarning(t *testing.T) {
	var out strings.Builder
	log := slog.New(slog.NewTextHandler(&out, nil))
	l := &limitedWarning{Every: 50 * time.Millisecond}
	for range 4 {
		l.warn(context.Background(), log, "bad signature", "path", "/slack/commands")
	}
	time.Sleep(60 * time.Millisecond)
	l.warn(context.Background(), log, "bad signature", "path", "/slack/commands")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "suppressed=0") || !strings.HasSuffix(lines[1], "suppressed=3") {
		t.Errorf("lines = %q", lines)
	}
}
