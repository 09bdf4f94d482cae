package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// channelMembers is membership by channel, as in Slack: a fixed list per
// channel, nothing stored.
type channelMembers map[string][]string

func (m channelMembers) Seen(context.Context, commands.Tx, string, string, time.Time) error {
	return nil
}

func (m channelMembers) IsMember(ctx context.Context, _ commands.Tx, t smallgoals.Team, user string) (bool, error) {
	return m.IsChannelMember(ctx, t.ChannelID, user)
}

func (m channelMembers) IsChannelMember(_ context.Context, channel, user string) (bool, error) {
	for _, u := range m[channel] {
		if u == user {
			return true, nil
		}
	}
	return false, nil
}

func (m channelMembers) List(_ context.Context, _ commands.Tx, t smallgoals.Team) ([]string, error) {
	return m[t.ChannelID], nil
}

func (m channelMembers) CanJoin(ctx context.Context, tx commands.Tx, t smallgoals.Team, user string) (bool, error) {
	return m.IsMember(ctx, tx, t, user)
}

// countingQuick counts the scores the quick path stored.
type countingQuick struct {
	db     *store.DB
	stored atomic.Int64
}

func (q *countingQuick) LogQuickScore(ctx context.Context, s smallgoals.QuickScore) (smallgoals.QuickScoreResult, error) {
	r, err := q.db.LogQuickScore(ctx, s)
	if r.Stored {
		q.stored.Add(1)
	}
	return r, err
}

// The quick path answers and writes exactly as the general path does:
// the same requests go to two databases, one handler with the quick path
// and one without, and the replies and rows must be the same.
func TestQuickPathAsGeneral(t *testing.T) {
	t.Parallel()
	members := channelMembers{"#slusen": {"anna", "carl", "eve"}, "#andet": {"anna", "dora"}}
	type side struct {
		db    *store.DB
		e     *env
		quick *countingQuick
	}
	mk := func(withQuick bool) side {
		db, raw := storetest.Open(t)
		cfg := commands.Config{Store: commands.NewStore(db.InTx), Members: members, Lang: "da", TZ: "Europe/Copenhagen"}
		s := side{db: db}
		if withQuick {
			s.quick = &countingQuick{db: db}
			cfg.Quick = s.quick
		}
		h, err := commands.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s.e = &env{t: t, db: db, raw: raw, h: h, now: monday}
		return s
	}
	quick, general := mk(true), mk(false)

	type step struct {
		user, channel, text, key string
		quick                    bool // the quick path stores it
	}
	steps := []step{
		{"anna", "#slusen", "team opret Slusen", "", false},
		{"anna", "#slusen", "borger ny AB", "", false},
		{"anna", "#slusen", "ny AB Tage bussen alene", "", false},
		{"anna", "#slusen", "ny AB Smøre madpakke skala:gas", "", false},
		{"anna", "#andet", "team opret Andet", "", false},
		{"anna", "#andet", "borger ny CD", "", false},
		{"anna", "#andet", "ny CD Gå en tur", "", false},
		{"anna", "#andet", "borger ny AB", "", false}, // the same alias in another team
		{"anna", "#andet", "ny AB Rydde op", "", false},
		{"carl", "#slusen", "AB-1 3", "command:1", true},
		{"carl", "#slusen", "AB-1 5 b:4 Tog selv bussen i dag & <godt>", "command:2", true},
		{"carl", "#slusen", "AB-1 5 b:4 Tog selv bussen i dag & <godt>", "command:2", false}, // redelivery
		{"eve", "#slusen", "ab-1 6", "command:3", true},
		{"anna", "#slusen", "AB-2 +1 b:-1", "command:4", true},
		{"eve", "#slusen", "AB-2 3", "command:5", false},     // off the GAS scale
		{"eve", "#slusen", "AB-1 11", "command:6", false},    // off the scale
		{"eve", "#slusen", "AB-1 7 b:0", "command:7", false}, // citizen score off the scale
		{"eve", "#slusen", "AB-3 7", "command:8", false},     // no such goal
		{"eve", "#slusen", "ZZ-1 7", "command:9", false},     // no such citizen
		{"eve", "#slusen", "CD-1 7", "command:10", false},    // another team's citizen
		{"dora", "#slusen", "AB-1 7", "command:11", false},   // not in the channel: audited refusal
		{"anna", "#slusen", "CD-1 7", "command:12", false},   // anna's other team, typed here
		{"anna", "#random", "CD-1 8", "command:13", false},   // not a team channel
		{"eve", "#slusen", "AB-1 7 dato:i går", "command:14", false},
		{"eve", "#slusen", "AB-1 7 CPR 010190-1234", "command:15", false},
		{"eve", "#slusen", "AB-1 7 " + strings.Repeat("x", smallgoals.MaxNoteLen+1), "command:16", false},
		{"eve", "#slusen", "fortryd AB-1", "command:17", false},
		{"eve", "#slusen", "AB-1 8", "command:18", true}, // the trend leaves out the undone 6
		{"carl", "#slusen", "sprog en", "", false},
		{"carl", "#slusen", "AB-1 9 b:8", "command:19", true}, // answered in English
		{"anna", "#andet", "AB-1 2", "command:20", true},      // the other team's AB
		{"eve", "#slusen", "AB-1 4", "", true},                // no delivery key (the shell)
	}
	// More scores than the sparkline shows: both paths show the same latest ones.
	for i := range 6 {
		steps = append(steps, step{"carl", "#slusen", fmt.Sprintf("AB-1 %d", 10-i), fmt.Sprint("command:more", i), true})
	}
	wantQuick := int64(0)
	for i, s := range steps {
		r := commands.Request{UserID: s.user, ChannelID: s.channel, Text: s.text, DeliveryKey: s.key,
			Time: monday.Add(time.Duration(i) * time.Minute)}
		before := quick.quick.stored.Load()
		q, g := quick.e.req(r), general.e.req(r)
		if q != g {
			t.Errorf("step %d %q: replies differ\nquick:   %s\ngeneral: %s", i, s.text, q, g)
		}
		if s.quick {
			wantQuick++
		}
		if got := quick.quick.stored.Load() - before; got != map[bool]int64{true: 1, false: 0}[s.quick] {
			t.Errorf("step %d %q: quick path stored %d, want quick=%v\n%s", i, s.text, got, s.quick, q)
		}
	}
	if got := quick.quick.stored.Load(); got != wantQuick {
		t.Errorf("quick path stored %d, want %d", got, wantQuick)
	}
	// The same rows, the notes decrypted.
	for _, query := range []string{
		// IDs may differ (a sequence has gaps): the entry replaced by its rank.
		`SELECT count(*), string_agg(concat_ws('/', goal_id, kind, author, day, written_at, staff_score, citizen_score,
		    (SELECT count(*) FROM entries x WHERE x.id <= e.replaces), key_id), ';' ORDER BY id) FROM entries e`,
		`SELECT count(*), string_agg(concat_ws('/', at, actor, action, team_id, citizen_id, goal_id, ref, allowed), ';' ORDER BY id) FROM audit_events`,
		`SELECT count(*), string_agg(key, ';' ORDER BY key) FROM deliveries`,
	} {
		var qn, gn int
		var qs, gs string
		if err := quick.e.raw.QueryRow(query).Scan(&qn, &qs); err != nil {
			t.Fatal(err)
		}
		if err := general.e.raw.QueryRow(query).Scan(&gn, &gs); err != nil {
			t.Fatal(err)
		}
		if qn != gn || qs != gs {
			t.Errorf("%s\nquick   %d: %s\ngeneral %d: %s", query, qn, qs, gn, gs)
		}
	}
	notes := func(db *store.DB) string {
		var out []string
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			for id := int64(1); id <= 4; id++ {
				es, err := tx.GoalEntries(context.Background(), id, 100)
				if err != nil {
					return err
				}
				for _, e := range es {
					out = append(out, fmt.Sprint(e.GoalID, ":", e.Note))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, "|")
	}
	if q, g := notes(quick.db), notes(general.db); q != g || !strings.Contains(q, "Tog selv bussen i dag & <godt>") {
		t.Errorf("notes differ:\nquick:   %s\ngeneral: %s", q, g)
	}
}

// BenchmarkLog answers typed scores from many goroutines at once through
// the handler, with the quick path and without: the handler's and the
// database's share of the load test (BENCHMARKS.md).
//
//	go test -run='^$' -bench=BenchmarkLog -benchtime=10000x ./commands
func BenchmarkLog(b *testing.B) {
	members := channelMembers{"#slusen": {"anna"}}
	for _, quick := range []bool{true, false} {
		name := map[bool]string{true: "quick", false: "general"}[quick]
		b.Run(name, func(b *testing.B) {
			db, raw := storetest.Open(b)
			cfg := commands.Config{Store: commands.NewStore(db.InTx), Members: members, Lang: "da", TZ: "Europe/Copenhagen"}
			if quick {
				cfg.Quick = db
			}
			h, err := commands.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			var seq atomic.Int64
			do := func(text string) string {
				i := seq.Add(1)
				return h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: text,
					Time: monday.Add(time.Duration(i) * time.Millisecond), DeliveryKey: fmt.Sprint("command:", i)}).Text()
			}
			setup := []string{"team opret Slusen"}
			for i := 1; i <= 20; i++ {
				setup = append(setup, fmt.Sprintf("borger ny B%d", i), fmt.Sprintf("ny B%d Smøre madpakke", i))
			}
			for i := 0; i < 2000; i++ { // history, as a database in use has
				setup = append(setup, fmt.Sprintf("B%d-1 %d", i%20+1, i%10+1))
			}
			for _, text := range setup {
				if out := do(text); !strings.Contains(out, "✅") {
					b.Fatalf("%q: %s", text, out)
				}
			}
			if _, err := raw.Exec(`ANALYZE`); err != nil {
				b.Fatal(err)
			}
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Load()
					if out := do(fmt.Sprintf("B%d-1 %d b:%d Tog selv bussen i dag", i%20+1, i%10+1, (i+3)%10+1)); !strings.Contains(out, "✅") {
						b.Fatalf("%s", out)
					}
				}
			})
		})
	}
}

// flakyMembers fails every membership check of one channel once set.
type flakyMembers struct {
	channelMembers
	failing string
}

func (m *flakyMembers) IsMember(ctx context.Context, tx commands.Tx, t smallgoals.Team, user string) (bool, error) {
	if t.ChannelID == m.failing {
		return false, fmt.Errorf("slack: %s unavailable", t.ChannelID)
	}
	return m.channelMembers.IsMember(ctx, tx, t, user)
}

// A ref is resolved in the current channel's team first: another team
// with the same alias is not asked about (in Slack: no call that could
// fail), so both paths store the score.
func TestAliasCurrentTeamFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := &flakyMembers{channelMembers: channelMembers{"#slusen": {"anna"}, "#andet": {"anna"}}}
	h, err := commands.New(commands.Config{Store: commands.NewStore(e.db.InTx), Members: m, Lang: "da", TZ: "Europe/Copenhagen"})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	// #andet's team is made first, so its AB comes first by team.
	for _, c := range [][2]string{{"#andet", "team opret Andet"}, {"#andet", "borger ny AB"}, {"#andet", "ny AB Rydde op"},
		{"#slusen", "team opret Slusen"}, {"#slusen", "borger ny AB"}, {"#slusen", "ny AB Tage bussen"}} {
		if out := e.do("anna", c[0], c[1]); !strings.Contains(out, "✅") {
			t.Fatalf("%q: %s", c[1], out)
		}
	}
	m.failing = "#andet"
	out := e.do("anna", "#slusen", "AB-1 5")
	contains(t, out, "✅", "AB-1")
	if n := e.count(`SELECT count(*) FROM entries e JOIN goals g ON g.id = e.goal_id JOIN citizens c ON c.id = g.citizen_id
		JOIN teams t ON t.id = c.team_id WHERE t.channel_id = '#slusen'`); n != 1 {
		t.Errorf("%d entries on Slusen's AB-1, want 1", n)
	}
}
