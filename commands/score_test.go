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

// slackEnv is a handler whose membership is Slack's (by channel), so the
// goals of scores are resolved from the cache after the first.
func slackEnv(t testing.TB, m commands.Members) *env {
	e := newEnv(t)
	h, err := commands.New(commands.Config{Store: commands.NewStore(e.db.InTx), Scores: e.db, Members: m, Lang: "da", TZ: "Europe/Copenhagen"})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e
}

// A goal resolved once and used again from the cache: a change made since
// — the goal closed, the user gone from the channel — is seen all the
// same, and nothing is stored.
func TestScoreSeesChangesSinceResolved(t *testing.T) {
	t.Parallel()
	m := channelMembers{"#slusen": {"anna", "carl"}}
	e := slackEnv(t, m)
	for _, text := range []string{"team opret Slusen", "borger ny AB", "ny AB Tage bussen", "ny AB Smøre madpakke"} {
		contains(t, e.do("anna", "#slusen", text), "✅")
	}
	contains(t, e.do("carl", "#slusen", "AB-1 5"), "AB-1", "5")
	contains(t, e.do("carl", "#slusen", "AB-2 5"), "AB-2", "5")
	contains(t, e.do("anna", "#slusen", "revider AB-1 +1 afsluttes Nået"), "AB-1")
	contains(t, e.do("carl", "#slusen", "AB-1 6"), "afsluttet")
	m["#slusen"] = []string{"anna"}
	contains(t, e.do("carl", "#slusen", "AB-2 6"), "intet mål *AB-2*")
	if n := e.count(`SELECT count(*) FROM entries`); n != 2 {
		t.Errorf("%d entries, want the first 2", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'carl' AND action = 'entry.create' AND NOT allowed`); n != 1 {
		t.Errorf("%d refusals of carl audited, want 1", n)
	}
}

// BenchmarkLog answers typed scores from many goroutines at once through
// the handler: the handler's and the database's share of the load test
// (BENCHMARKS.md).
//
//	go test -run='^$' -bench=BenchmarkLog -benchtime=10000x ./commands
func BenchmarkLog(b *testing.B) {
	for _, kind := range []string{"typed", "form"} {
		b.Run(kind, func(b *testing.B) {
			e := slackEnv(b, channelMembers{"#slusen": {"anna"}})
			var seq atomic.Int64
			do := func(text string) string {
				i := seq.Add(1)
				return e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: text,
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
			var goals []int64
			rows, _ := e.raw.Query(`SELECT id FROM goals ORDER BY id`)
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				goals = append(goals, id)
			}
			rows.Close()
			if _, err := e.raw.Exec(`ANALYZE`); err != nil {
				b.Fatal(err)
			}
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Add(1)
					var out string
					if kind == "typed" {
						out = e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen",
							Text: fmt.Sprintf("B%d-1 %d b:%d Tog selv bussen i dag", i%20+1, i%10+1, (i+3)%10+1),
							Time: monday.Add(time.Duration(i) * time.Millisecond), DeliveryKey: fmt.Sprint("command:", i)}).Text()
					} else {
						r, errs := e.h.Submit(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Modals: true,
							Time: monday.Add(time.Duration(i) * time.Millisecond), DeliveryKey: fmt.Sprint("view:", i)},
							commands.Submission{Kind: commands.FormLog, GoalID: goals[i%20], Values: map[string]string{
								"score": fmt.Sprint(i%10 + 1), "citizen_score": fmt.Sprint((i+3)%10 + 1), "note": "Tog selv bussen i dag"}})
						out = r.Text()
						if errs != nil {
							out = fmt.Sprint(errs)
						}
					}
					if !strings.Contains(out, "✅") {
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
// fail), so the score is stored.
func TestAliasCurrentTeamFirst(t *testing.T) {
	t.Parallel()
	m := &flakyMembers{channelMembers: channelMembers{"#slusen": {"anna"}, "#andet": {"anna"}}}
	e := slackEnv(t, m)
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
