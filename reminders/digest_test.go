package reminders_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/reminders"
)

// channels records digest posts; private says what conversations.info would.
type channels struct {
	mu      sync.Mutex
	private bool
	posts   []string
	files   []commands.File
}

func (c *channels) Post(_ context.Context, ch string, r commands.Reply) (smallgoals.Posted, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts = append(c.posts, ch+"\n"+r.Text())
	return smallgoals.Posted{}, nil
}

func (c *channels) PostFile(_ context.Context, ch string, f commands.File) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files = append(c.files, f)
	return "F1", nil
}

func (c *channels) IsPrivate(context.Context, string) (bool, error) { return c.private, nil }

// A known week: Slusen's digest on Monday 2026-11-23 09:00 covers
// 16–22 November.
func digestWorld(t *testing.T) (*world, func(ch reminders.Channels) *reminders.Digester) {
	w := newWorld(t) // AB-1 (carl) due 2026-12-09, CD-1 (anna) due 2026-12-16; created 2026-11-20
	ctx := context.Background()
	cph := smallgoals.Location("Europe/Copenhagen")
	do := func(user, text string, day int) {
		r := w.h.Handle(ctx, commands.Request{UserID: user, ChannelID: "#slusen", Text: text, Time: time.Date(2026, 11, day, 12, 0, 0, 0, cph)})
		if !strings.Contains(r.Text(), "✅") {
			t.Fatalf("%q: %s", text, r.Text())
		}
	}
	// Before the week: AB-1 at 4 (best 5), CD-1 at 6.
	do("carl", "ny AB Stille mål frist:2027-01-20", 1)
	do("carl", "AB-1 5 NOTEA", 5)
	do("carl", "AB-1 4 NOTEB", 8)
	do("anna", "CD-1 6 NOTEC", 9)
	do("carl", "AB-2 3 NOTED", 3) // AB-2 then quiet for 14+ days
	// The week: AB-1 up to 7 (a small win), CD-1 down to 5 with the borger at 9.
	do("carl", "AB-1 6 b:6 NOTEE", 17)
	do("anna", "AB-1 7 b:7 NOTEF", 19)
	do("dora", "CD-1 5 b:9 NOTEG", 20)
	do("anna", "revider CD-1 -1 ændres NOTEH", 21)
	mk := func(ch reminders.Channels) *reminders.Digester {
		return &reminders.Digester{Store: w.db, Post: ch, Text: w.h, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler),
			Chart: func(title string, gs []smallgoals.DigestGoal, lang string) ([]byte, error) {
				return []byte("png"), nil
			}}
	}
	return w, mk
}

func TestDigestContent(t *testing.T) {
	_, mk := digestWorld(t)
	ch := &channels{private: true}
	d := mk(ch)
	cph := smallgoals.Location("Europe/Copenhagen")
	if res, _ := d.Digest(context.Background(), time.Date(2026, 11, 23, 8, 59, 0, 0, cph)); res.Posted != 0 {
		t.Fatal("posted before 09:00")
	}
	res, err := d.Digest(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, cph))
	if err != nil || res.Posted != 1 || len(ch.posts) != 1 {
		t.Fatalf("digest: %+v %v %d", res, err, len(ch.posts))
	}
	got := ch.posts[0]
	for _, want := range []string{
		"#slusen", "uge 47", "16.11.2026 til 22.11.2026",
		"I ugen:* 3 registreringer fra 3 medarbejdere",
		"Fremgang:* AB-1 (4,5→6,5)", // CD-1's single 6→5 is no setback
		"Ingen registreringer i 14 dage:* AB-2",
		"scorer forskelligt (3 point eller mere):* CD-1 (personale 5 · borger 9)",
		"Revideret i ugen:* CD-1 GAS -1 ændres",
		// CD has one revised goal: no T-score (its result is just the level).
		"Små sejre — bedste score hidtil:* AB-1 (7)",
		"Til personalemødet:",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("digest lacks %q:\n%s", want, got)
		}
	}
	for _, note := range []string{"NOTEA", "NOTEB", "NOTEC", "NOTED", "NOTEE", "NOTEF", "NOTEG", "NOTEH"} {
		if strings.Contains(got, note) {
			t.Errorf("note text %q in the digest:\n%s", note, got)
		}
	}
	if len(ch.files) != 1 || ch.files[0].TeamID == 0 {
		t.Errorf("chart files = %+v", ch.files)
	}
}

func TestDigestPublicChannelAndOnce(t *testing.T) {
	_, mk := digestWorld(t)
	ch := &channels{private: false}
	cph := smallgoals.Location("Europe/Copenhagen")
	at := time.Date(2026, 11, 23, 9, 5, 0, 0, cph)
	var wg sync.WaitGroup
	for range 3 { // three replicas at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := mk(ch).Digest(context.Background(), at); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(ch.posts) != 1 {
		t.Fatalf("posts = %d across three replicas, want 1", len(ch.posts))
	}
	got := ch.posts[0]
	if !strings.Contains(got, "offentlig") || strings.Contains(got, "AB-1") || strings.Contains(got, "CD-1") || !strings.Contains(got, "Fremgang: 1") {
		t.Errorf("public digest:\n%s", got)
	}
	if len(ch.files) != 0 {
		t.Error("a chart was posted to a public channel")
	}
	// Later the same week: nothing; the next week: a new digest.
	if res, _ := mk(ch).Digest(context.Background(), at.Add(2*time.Hour)); res.Posted+res.CountsOnly != 0 {
		t.Errorf("again the same week: %+v", res)
	}
	if res, _ := mk(ch).Digest(context.Background(), at.AddDate(0, 0, 7)); res.CountsOnly != 1 {
		t.Errorf("the next week: %+v", res)
	}
}

// A digest slot on a holiday moves to the next working day.
func TestDigestHolidaySlot(t *testing.T) {
	w, mk := digestWorld(t)
	cph := smallgoals.Location("Europe/Copenhagen")
	// Friday digests; Langfredag 2027-03-26 moves past the weekend and
	// Anden påskedag to Tuesday 2027-03-30 (the next ISO week).
	w.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "team indstil digest:fredag-14:00", Time: time.Date(2027, 3, 20, 9, 0, 0, 0, cph)})
	ch := &channels{private: true}
	if res, _ := mk(ch).Digest(context.Background(), time.Date(2027, 3, 26, 15, 0, 0, 0, cph)); res.Posted != 0 {
		t.Fatal("posted on Langfredag")
	}
	if res, _ := mk(ch).Digest(context.Background(), time.Date(2027, 3, 29, 15, 0, 0, 0, cph)); res.Posted != 0 {
		t.Fatal("posted on Anden påskedag")
	}
	if res, _ := mk(ch).Digest(context.Background(), time.Date(2027, 3, 30, 13, 0, 0, 0, cph)); res.Posted != 0 {
		t.Fatal("posted before 14:00 on the moved day")
	}
	if res, _ := mk(ch).Digest(context.Background(), time.Date(2027, 3, 30, 14, 0, 0, 0, cph)); res.Posted != 1 {
		t.Fatal("not posted on the next working day")
	}
	if !strings.Contains(ch.posts[0], "uge 12") {
		t.Errorf("the moved digest belongs to week 12:\n%s", ch.posts[0])
	}
}

// An entry undone in the week counts nowhere in the digest.
func TestDigestIgnoresUndone(t *testing.T) {
	w, mk := digestWorld(t)
	cph := smallgoals.Location("Europe/Copenhagen")
	at := time.Date(2026, 11, 21, 15, 0, 0, 0, cph)
	for _, text := range []string{"AB-1 10 b:2 NOTEU", "fortryd AB-1"} {
		r := w.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: text, Time: at})
		if !strings.Contains(r.Text(), "✅") && !strings.Contains(r.Text(), "↩") {
			t.Fatalf("%q: %s", text, r.Text())
		}
		at = at.Add(time.Minute)
	}
	ch := &channels{private: true}
	if res, err := mk(ch).Digest(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, cph)); err != nil || res.Posted != 1 {
		t.Fatalf("digest: %+v %v", res, err)
	}
	got := ch.posts[0]
	for _, want := range []string{"I ugen:* 3 registreringer fra 3 medarbejdere", "Fremgang:* AB-1 (4,5→6,5)", "Små sejre — bedste score hidtil:* AB-1 (7)"} {
		if !strings.Contains(got, want) {
			t.Errorf("digest lacks %q (the undone 10 counted?):\n%s", want, got)
		}
	}
	if strings.Contains(got, "borger 2") {
		t.Errorf("the undone entry's gap is in the digest:\n%s", got)
	}
}

// failingDigests makes DigestOf fail while fail is set: a digest that
// cannot be composed.
type failingDigests struct {
	reminders.DigestStore
	fail bool
}

func (f *failingDigests) DigestOf(ctx context.Context, teamID int64, from, to time.Time) (smallgoals.Digest, error) {
	if f.fail {
		return smallgoals.Digest{}, context.DeadlineExceeded
	}
	return f.DigestStore.DigestOf(ctx, teamID, from, to)
}

// A digest that cannot be composed claims nothing: the next run posts it.
func TestDigestComposedBeforeClaimed(t *testing.T) {
	w, mk := digestWorld(t)
	ch := &channels{private: true}
	d := mk(ch)
	store := &failingDigests{DigestStore: w.db, fail: true}
	d.Store = store
	at := time.Date(2026, 11, 23, 9, 5, 0, 0, smallgoals.Location("Europe/Copenhagen"))
	if res, err := d.Digest(context.Background(), at); err != nil || res.Posted != 0 || len(ch.posts) != 0 {
		t.Fatalf("with the digest failing: %+v %v", res, err)
	}
	var claimed int
	w.db.SQL().QueryRow(`SELECT count(*) FROM outbox`).Scan(&claimed)
	if claimed != 0 {
		t.Fatalf("%d claims left by a digest that was never composed", claimed)
	}
	store.fail = false
	if res, _ := d.Digest(context.Background(), at.Add(time.Minute)); res.Posted != 1 || len(ch.posts) != 1 {
		t.Fatalf("the next run: %+v, %d posts", res, len(ch.posts))
	}
}

// digestAt runs the digest of the world at Monday 2026-11-23 09:00 in a
// private channel and returns its text.
func digestAt(t *testing.T, mk func(ch reminders.Channels) *reminders.Digester, at time.Time) string {
	t.Helper()
	ch := &channels{private: true}
	res, err := mk(ch).Digest(context.Background(), at)
	if err != nil || res.Posted != 1 || len(ch.posts) != 1 {
		t.Fatalf("digest at %s: %+v %v %d", at, res, err, len(ch.posts))
	}
	return ch.posts[0]
}

// typed runs commands in #slusen at noon on the days given, each must
// succeed.
func typed(t *testing.T, w *world, lines ...struct {
	user, text string
	day        time.Time
}) {
	t.Helper()
	for _, l := range lines {
		at := time.Date(l.day.Year(), l.day.Month(), l.day.Day(), 12, 0, 0, 0, smallgoals.Location("Europe/Copenhagen"))
		r := w.h.Handle(context.Background(), commands.Request{UserID: l.user, ChannelID: "#slusen", Text: l.text, Time: at})
		if !strings.Contains(r.Text(), "✅") {
			t.Fatalf("%q: %s", l.text, r.Text())
		}
	}
}

type line = struct {
	user, text string
	day        time.Time
}

func nov(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }

// Overdue revisions are listed, first, with how late; then those due in
// the coming week. Failed before: only goals due on the digest's day or
// later were kept, so AB-3 (13 days overdue) was missing.
func TestDigestListsOverdueFirst(t *testing.T) {
	w, mk := digestWorld(t)
	typed(t, w,
		line{"carl", "ny AB Overskredet frist:2026-11-10", nov(1)},
		line{"carl", "ny AB Snart frist:2026-11-26", nov(1)},
	)
	got := digestAt(t, mk, time.Date(2026, 11, 23, 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen")))
	over := strings.Index(got, "Revision overskredet:* AB-3 (13 dage for sent)")
	due := strings.Index(got, "Til revision de næste 7 dage:* AB-4 (tors. 26. nov.)")
	if over < 0 || due < 0 || over > due {
		t.Errorf("overdue (at %d) must come before due (at %d):\n%s", over, due, got)
	}
}

// Progress and setback are the week's median staff score against the
// four weeks before it, with at least two scores on each side. Failed
// before: one score against the one before it flipped a goal between
// progress and setback (EF-2 6→9 as progress, CD-1 6→5 as setback).
func TestDigestJudgesWeeks(t *testing.T) {
	w, mk := digestWorld(t)
	typed(t, w,
		line{"carl", "borger ny EF", nov(1)},
		line{"carl", "ny EF Handle selv frist:2027-02-01", nov(1)},
		line{"carl", "ny EF Rydde op frist:2027-02-01", nov(1)},
		// The four weeks before: EF-1 at 6, 7, 6 (median 6); EF-2 at 6, 6, 6.
		line{"carl", "EF-1 6 N", nov(2)}, line{"carl", "EF-1 7 N", nov(6)}, line{"carl", "EF-1 6 N", nov(12)},
		line{"carl", "EF-2 6 N", nov(3)}, line{"carl", "EF-2 6 N", nov(9)}, line{"carl", "EF-2 6 N", nov(13)},
		// The week: EF-1 at 3 and 4 (median 3,5); EF-2 a single 9.
		line{"carl", "EF-1 3 N", nov(17)}, line{"carl", "EF-1 4 N", nov(20)},
		line{"carl", "EF-2 9 N", nov(18)},
	)
	got := digestAt(t, mk, time.Date(2026, 11, 23, 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen")))
	for _, want := range []string{"Fremgang:* AB-1 (4,5→6,5)", "Tilbagegang:* EF-1 (6→3,5)"} {
		if !strings.Contains(got, want) {
			t.Errorf("digest lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"EF-2", "CD-1"} {
		if judged(got, not) {
			t.Errorf("%s judged on a single score:\n%s", not, got)
		}
	}
	// The next week a single 6 on EF-2 is no setback either.
	typed(t, w, line{"carl", "EF-2 6 N", nov(25)})
	next := digestAt(t, mk, time.Date(2026, 11, 30, 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen")))
	if judged(next, "EF-2") {
		t.Errorf("EF-2 judged on one score the next week:\n%s", next)
	}
}

// judged reports whether the digest lists ref under progress or setback.
func judged(digest, ref string) bool {
	for _, l := range strings.Split(digest, "\n") {
		if (strings.Contains(l, "Fremgang:") || strings.Contains(l, "Tilbagegang:")) && strings.Contains(l, ref+" (") {
			return true
		}
	}
	return false
}

// A goal created within the quiet window is never quiet. Failed before:
// a goal created the day before the digest was "Ingen registrering i 14
// dage".
func TestDigestNewGoalsNotQuiet(t *testing.T) {
	w, mk := digestWorld(t)
	typed(t, w,
		line{"carl", "ny AB Helt nyt frist:2027-01-20", nov(22)},
		line{"carl", "ny AB Ti dage gammelt frist:2027-01-20", nov(13)},
	)
	got := digestAt(t, mk, time.Date(2026, 11, 23, 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen")))
	if !strings.Contains(got, "Ingen registreringer i 14 dage:* AB-2\n") {
		t.Errorf("AB-2 alone should be quiet (not AB-3 or AB-4, new):\n%s", got)
	}
}

// The title names the ISO week the digest covers. Failed before: Monday
// 23 November's digest, covering 16–22 November (week 47), said "uge 48".
func TestDigestNamesTheWeekItCovers(t *testing.T) {
	_, mk := digestWorld(t)
	ch := &channels{private: true}
	if _, err := mk(ch).Digest(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen"))); err != nil || len(ch.posts) != 1 {
		t.Fatal(err)
	}
	if !strings.Contains(ch.posts[0], "(uge 47)") || strings.Contains(ch.posts[0], "uge 48") {
		t.Errorf("title:\n%s", ch.posts[0])
	}
	if len(ch.files) != 1 || !strings.Contains(ch.files[0].Title, "uge 47") || !strings.Contains(ch.files[0].Name, "uge47") {
		t.Errorf("chart: %q %q", ch.files[0].Title, ch.files[0].Name)
	}
}

// A reflection noted in the week the digest covers is reminded of,
// never its text; every digest offers the button to note one.
func TestDigestRemindsOfReflection(t *testing.T) {
	w, mk := digestWorld(t)
	cph := smallgoals.Location("Europe/Copenhagen")
	first := digestAt(t, mk, time.Date(2026, 11, 23, 9, 0, 0, 0, cph))
	if strings.Contains(first, "refleksion er noteret") || !strings.Contains(first, "Notér teamets refleksion") {
		t.Errorf("first digest:\n%s", first)
	}
	typed(t, w, line{"anna", "refleksion om:AB-1 HEMMELIGKONKLUSION", nov(23)})
	next := digestAt(t, mk, time.Date(2026, 11, 30, 9, 0, 0, 0, cph))
	if !strings.Contains(next, "Sidste uges refleksion er noteret — se den med `/maal refleksion vis`") || strings.Contains(next, "HEMMELIG") {
		t.Errorf("next digest:\n%s", next)
	}
}
