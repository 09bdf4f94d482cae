package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"smallgoals/store/storetest"
)

// With a terminal the shell edits lines and recalls them: a backspace
// takes back a typo, the up arrow brings the last line back (it printed
// "^[[A" before), Ctrl-C drops a half-typed line and Ctrl-D ends the
// shell with exit 0. The program runs on a pseudo-terminal (creack/pty)
// as on a real one.
func TestShellTerminalLineEditing(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()

	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	seen := func() string {
		mu.Lock()
		defer mu.Unlock()
		return screen.String()
	}
	waitCount := func(want string, n int) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if strings.Count(seen(), want) >= n {
				return
			}
		}
		t.Fatalf("the terminal shows %q %d times, want %d:\n%q", want, strings.Count(seen(), want), n, seen())
	}

	env := envFunc(map[string]string{"DATABASE_URL": storetest.URL(t)})
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() { exit <- run(context.Background(), []string{"shell"}, env, tty, tty, &stderr) }()

	const english = "I'll write in English from now on"
	waitCount("shell@#shell> ", 1)
	ptmx.WriteString("/maal lang ex\x7fn\r") // a typo taken back with the backspace
	waitCount(english, 1)
	waitCount("shell@#shell> ", 2)
	ptmx.WriteString("\x1b[A\r") // the up arrow: the same line again
	waitCount(english, 2)
	waitCount("shell@#shell> ", 3)
	ptmx.WriteString("/maal frobnicate\x03") // Ctrl-C: the line is dropped, not run
	waitCount("shell@#shell> ", 4)
	ptmx.WriteString(":user anna\r")
	waitCount("anna@#shell> ", 1) // the prompt names who types now
	ptmx.WriteString("\x04")      // Ctrl-D ends the input
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the shell did not end on Ctrl-D:\n%q", seen())
	}
	out := seen()
	if strings.Contains(out, "^[[A") || strings.Contains(out, "FROBNICATE") {
		t.Errorf("the terminal shows an escape as text or ran the dropped line:\n%q", out)
	}
}

// Piped, the shell stays as it was: no prompt, no terminal escapes, the
// replies only, byte for byte. Its own hint is in the user's language.
func TestShellPipedHasNoPrompt(t *testing.T) {
	out := shell(t, map[string]string{"DATABASE_URL": storetest.URL(t)}, "/maal lang en", "hello", "/maal lang da", "hej")
	const want = "I'll write in English from now on.\n\n" +
		"Type a command starting with /, e.g. /maal help. Switch user with :user NAME and channel with :channel NAME.\n" +
		"Jeg skriver på dansk fra nu af.\n\n" +
		"Skriv en kommando, der starter med /, fx /maal hjælp. Skift bruger med :user NAVN og kanal med :channel NAVN.\n"
	if out != want {
		t.Errorf("piped output %q, want %q", out, want)
	}
}
