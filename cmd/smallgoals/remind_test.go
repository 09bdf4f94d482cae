package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals/store/storetest"
)

// In the shell: goals with frist: dates; remind --once on the working day
// 7 days before prints one grouped DM per recipient; run again, nothing;
// three processes at once print each DM once between them; a public
// holiday or a Saturday prints nothing.
func TestRemindOnce(t *testing.T) {
	url := storetest.URL(t)
	env := envFunc(map[string]string{"DATABASE_URL": url})
	script := strings.Join([]string{
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal koordinator @dora",
		":user carl", "/maal borger ny AB", "/maal ny AB Tage bussen frist:2026-12-09",
		"/maal ny AB Kristi himmelfart frist:2027-05-06",
	}, "\n") + "\n"
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"shell"}, env, strings.NewReader(script), &out, &errs); code != 0 {
		t.Fatalf("setup: %d %s", code, errs.String())
	}
	remind := func(at string) string {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"remind", "--once", "--at", at}, env, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("remind --at %s: exit %d: %s", at, code, stderr.String())
		}
		return stdout.String()
	}
	got := remind("2026-12-02T08:00:00+01:00")
	for _, who := range []string{"→ @carl", "→ @anna", "→ @dora"} {
		if strings.Count(got, who+"\n") != 1 {
			t.Errorf("%s DMs in:\n%s", who, got)
		}
	}
	if !strings.Contains(got, "AB-1 Tage bussen") || !strings.Contains(got, "om 7 dage") || strings.Contains(got, "AB-2") {
		t.Errorf("DM content:\n%s", got)
	}
	if again := remind("2026-12-02T08:05:00+01:00"); again != "" {
		t.Errorf("second run printed:\n%s", again)
	}
	// Saturday and a public holiday: nothing.
	if sat := remind("2026-12-05T09:00:00+01:00"); sat != "" {
		t.Errorf("Saturday printed:\n%s", sat)
	}
	if hol := remind("2027-05-06T09:00:00+02:00"); hol != "" { // Kristi Himmelfartsdag 2027
		t.Errorf("a public holiday printed:\n%s", hol)
	}
	// The holiday's reminder comes the next working day.
	if fri := remind("2027-05-07T09:00:00+02:00"); !strings.Contains(fri, "AB-2 Kristi himmelfart") {
		t.Errorf("the day after the holiday:\n%s", fri)
	}
	// Three processes at once on the due date.
	var wg sync.WaitGroup
	outs := make([]string, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stdout, stderr bytes.Buffer
			run(context.Background(), []string{"remind", "--once", "--at", "2026-12-09T08:00:00+01:00"}, env, nil, &stdout, &stderr)
			outs[i] = stdout.String()
		}()
	}
	wg.Wait()
	all := strings.Join(outs, "")
	for _, who := range []string{"→ @carl\n", "→ @anna\n", "→ @dora\n"} {
		if n := strings.Count(all, who); n != 1 {
			t.Errorf("%q printed %d times by three processes:\n%s", who, n, all)
		}
	}
}

// In the shell a revisitation's notice is printed once, at the command;
// the reminder job, which sends notices not out yet, prints it not again.
func TestShellRevisitNoticeOnce(t *testing.T) {
	url := storetest.URL(t)
	env := envFunc(map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": testDataKey})
	script := strings.Join([]string{
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal koordinator @dora",
		":user carl", "/maal borger ny AB", "/maal ny AB Tage bussen", "/maal revider AB-1 -1 revisitation Ny handleplan",
	}, "\n") + "\n"
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"shell"}, env, strings.NewReader(script), &out, &errs); code != 0 {
		t.Fatalf("shell: %d %s", code, errs.String())
	}
	if n := strings.Count(out.String(), "→ @dora\n"); n != 1 {
		t.Fatalf("%d notices to dora at the command, want 1:\n%s", n, out.String())
	}
	var rout, rerr bytes.Buffer
	at := time.Now().Add(10 * time.Minute).Format(time.RFC3339)
	if code := run(context.Background(), []string{"remind", "--once", "--at", at}, env, nil, &rout, &rerr); code != 0 {
		t.Fatalf("remind: %d %s", code, rerr.String())
	}
	if strings.Contains(rout.String(), "revisitation") || strings.Contains(rout.String(), "→ @dora") {
		t.Errorf("the notice printed again by the reminder job:\n%s", rout.String())
	}
}
