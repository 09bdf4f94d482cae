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
		"#slusen", "uge 48", "2026-11-16 til 2026-11-22",
		"Registreringer:* 3 af 3 medarbejdere",
		"Fremgang:* AB-1 (4→7)",
		"Tilbagegang:* CD-1 (6→5)",
		"Ingen registrering i 14 dage:* AB-2",
		"fra hinanden:* CD-1 (personale 5 · borger 9)",
		"Revideret i ugen:* CD-1 GAS -1 ændres",
		"GAS T-score:* CD 40,0",
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
	for _, want := range []string{"Registreringer:* 3 af 3 medarbejdere", "Fremgang:* AB-1 (4→7)", "Små sejre — bedste score hidtil:* AB-1 (7)"} {
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
