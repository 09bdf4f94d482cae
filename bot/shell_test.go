package bot

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// handlerFunc is a fake command handler.
type handlerFunc func(ctx context.Context, req commands.Request) commands.Reply

func (f handlerFunc) Handle(ctx context.Context, req commands.Request) commands.Reply {
	return f(ctx, req)
}

func TestShellSwitchesUserAndChannel(t *testing.T) {
	var got []commands.Request
	h := handlerFunc(func(_ context.Context, req commands.Request) commands.Reply {
		got = append(got, req)
		return commands.Reply{Blocks: []commands.Block{{Kind: commands.Section, Text: "svar til <@" + req.UserID + ">"}}}
	})
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	in := strings.NewReader("/maal hjælp\n:user @anna\n:channel slusen\n\n/maal   AB-1 6 b:7 Tog bussen\n:user\n/smal team\n")
	var out strings.Builder
	sh := &Shell{Handler: h, In: in, Out: &out, Now: func() time.Time { return now }, Text: func(_, id string) string { return "[" + id + "]" }}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []commands.Request{
		{UserID: "shell", ChannelID: "#shell", ChannelName: "shell", Command: "/maal", Text: "hjælp", Time: now},
		{UserID: "anna", ChannelID: "#slusen", ChannelName: "slusen", Command: "/maal", Text: "  AB-1 6 b:7 Tog bussen", Time: now},
		{UserID: "anna", ChannelID: "#slusen", ChannelName: "slusen", Command: "/smal", Text: "team", Time: now},
	}
	if len(got) != len(want) {
		t.Fatalf("requests = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	wantOut := "svar til @shell\n\nsvar til @anna\n\n[shell.meta]\nsvar til @anna\n\n"
	if out.String() != wantOut {
		t.Errorf("output = %q, want %q", out.String(), wantOut)
	}
}

func TestShellHintsAndPrompt(t *testing.T) {
	h := handlerFunc(func(context.Context, commands.Request) commands.Reply { return commands.Reply{} })
	var out strings.Builder
	sh := &Shell{Handler: h, In: strings.NewReader("hej\n"), Out: &out, Prompt: true, Text: func(_, id string) string { return id }}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := "shell@#shell> shell.hint\nshell@#shell> \n"; out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

func TestShellStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	done := make(chan error)
	go func() {
		done <- (&Shell{Handler: handlerFunc(nil), In: r, Out: &strings.Builder{}}).Run(ctx)
	}()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("shell did not stop on cancel")
	}
}

func TestRenderText(t *testing.T) {
	r := commands.Reply{Blocks: []commands.Block{
		{Kind: commands.Header, Text: "AB — 1 aktivt mål"},
		{Kind: commands.Context, Text: "Kontaktperson <@anna> · `/maal vis AB-1`"},
		{Kind: commands.Section, Text: "*AB-1* Tage bussen _(AB-P1)_\nseneste 4 &amp; 5 &lt;ok&gt;"},
		{Kind: commands.Divider},
		{Kind: commands.Section, Text: "<@U1|bo> <https://x.dk|link>"},
	}}
	want := "== AB — 1 aktivt mål ==\n  Kontaktperson @anna · /maal vis AB-1\nAB-1 Tage bussen (AB-P1)\nseneste 4 & 5 <ok>\n──────────\n@bo link (https://x.dk)\n"
	if got := RenderText(r); got != want {
		t.Errorf("RenderText =\n%q\nwant\n%q", got, want)
	}
	if strings.ContainsAny(RenderText(r), "{}") {
		t.Error("raw JSON in text")
	}
}

// The shell's :leave removes stored membership: the one who left is
// refused afterwards, from another channel, as an outsider is.
func TestShellLeave(t *testing.T) {
	db, raw := storetest.Open(t)
	h, err := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db, Lang: "da", TZ: "Europe/Copenhagen"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	in := strings.NewReader(strings.Join([]string{
		":user anna", ":channel slusen", "/maal team opret Slusen", "/maal borger ny AB", "/maal ny AB Tage bussen",
		":user bo", "/maal vis AB-1", ":user anna", ":leave bo",
		":user bo", ":channel bo", "/maal vis AB-1", ":channel slusen", ":leave", ":leave",
	}, "\n") + "\n")
	var out strings.Builder
	sh := &Shell{Handler: h, In: in, Out: &out, Now: func() time.Time { return now }, Text: func(_, id string) string { return id }}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"@bo er ikke længere med i Slusen (#slusen) og bliver afvist fra nu af",
		"Der er intet mål AB-1",     // bo, after leaving, from elsewhere
		"@bo er ikke med i Slusen.", // a second :leave: nothing to remove
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("shell output lacks %q:\n%s", want, out.String())
		}
	}
	var n int
	raw.QueryRow(`SELECT count(*) FROM team_members WHERE user_id = 'bo'`).Scan(&n)
	if n != 0 {
		t.Errorf("bo is still a stored member")
	}
}
