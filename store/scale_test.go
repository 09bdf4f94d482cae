package store_test

// The digest at scale (issue 7 item 5): a generator loads 1,000 teams ×
// 40 borgere × 5 goals with two years of weekly entries into a fresh
// database with COPY, and BenchmarkDigests computes every team's digest
// for the same week, one team after the other as the digest job does.
// Figures and the command are in BENCHMARKS.md:
//
//	make bench-digest
//
// which runs
//
//	SMALLGOALS_SCALE=1 scripts/with-postgres TEST_DATABASE_URL -- \
//	    go test -run='^$' -bench=BenchmarkDigests -benchtime=3x -timeout=90m -v ./store/
//
// It needs SMALLGOALS_SCALE=1 (and TEST_DATABASE_URL); otherwise it skips,
// so make test never loads the data. SMALLGOALS_SCALE_TEAMS (default 1000)
// makes a smaller run to try it out, SMALLGOALS_SCALE_CHARTS (default 100)
// is how many teams' charts are drawn, and SMALLGOALS_SCALE_PAUSE (a
// duration) keeps the database for a look with psql before it is dropped;
// SMALLGOALS_SCALE_URL runs the benchmark on such a database again,
// without generating.

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/chart"
	"smallgoals/commands"
	"smallgoals/reminders"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// The data set's shape.
const (
	scaleCitizens   = 40  // borgere per team: B1..B40
	scaleGoals      = 5   // active small goals per borger, scale 1..10
	scaleWeeks      = 104 // weekly entries per goal, the last in the digest week
	scaleStaff      = 15  // authors per team; the first two are coordinators
	scaleCadence    = 42  // days between a goal's revisions
	scaleStreams    = 2   // concurrent COPY streams for entries and revisions
	scaleQuietPct   = 5   // % of goals with no entry in their last 3 weeks
	scaleSkipRevPct = 10  // % of goals whose latest revision is overdue
	scaleUndoPermil = 10  // ‰ of score entries undone right after
	scaleBorgerPct  = 70  // % of entries with the borger's own score
	scaleGapPct     = 4   // % of those 3 or more from the staff score
)

// The digest posted on Monday 23 November 2026 covers 16–22 November; the
// first entries are in the week 103 weeks before.
var (
	scaleDigestDay = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	scaleFrom      = scaleDigestDay.AddDate(0, 0, -7)
	scaleTo        = scaleDigestDay.AddDate(0, 0, -1)
	scaleStart     = scaleFrom.AddDate(0, 0, -7*(scaleWeeks-1))
	scaleCreated   = scaleStart.AddDate(0, 0, -3).Add(10 * time.Hour)
)

func scaleEnvInt(tb testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive number", name, s)
	}
	return n
}

// scaleGoal is what the generator keeps of one goal between weeks.
type scaleGoal struct {
	team     int
	staff    int  // the latest staff score
	quiet    bool // no entries in the last 3 weeks
	revPhase int  // first revision this many days after scaleStart
	skipLast bool // the latest scheduled revision was not held
	lastRev  time.Time
	nextRev  time.Time
	gas      int
}

// scaleCounts is what the generator loaded.
type scaleCounts struct {
	teams, members, citizens, plans, goals, entries, undos, revisions int64
}

// scaleAuthor is a team's k-th staff member's Slack user ID.
func scaleAuthor(team, k int) string { return fmt.Sprintf("U%04dS%02d", team, k) }

// scaleGoalID numbers goals team by team, borger by borger.
func scaleGoalID(team, citizen, n int) int64 {
	return int64(((team-1)*scaleCitizens+(citizen-1))*scaleGoals + n)
}

// scaleCopy runs one COPY of rows into table in its own transaction.
func scaleCopy(ctx context.Context, db *sql.DB, table string, cols string, rows func(emit func(args ...any) error) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "COPY "+table+" ("+cols+") FROM STDIN")
	if err != nil {
		return err
	}
	if err := rows(func(args ...any) error {
		_, err := stmt.ExecContext(ctx, args...)
		return err
	}); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

// generateScale loads the data set for teams teams into the database at
// url, which must be freshly migrated and empty.
func generateScale(b *testing.B, url string, teams int) scaleCounts {
	ctx := context.Background()
	raw, err := sql.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(scaleStreams + 1)
	keyID := storetest.Keyring().CurrentID()
	empty := []byte{}
	var n scaleCounts
	start := time.Now()

	// Secondary indexes of the big tables are dropped for the load and
	// built again after it, the same definitions; primary keys, unique
	// constraints, foreign keys and checks stay in force throughout.
	type index struct{ name, def string }
	var indexes []index
	rows, err := raw.QueryContext(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid IN ('entries'::regclass, 'revisions'::regclass)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.def); err != nil {
			b.Fatal(err)
		}
		indexes = append(indexes, ix)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	for _, ix := range indexes {
		if _, err := raw.ExecContext(ctx, `DROP INDEX `+ix.name); err != nil {
			b.Fatal(err)
		}
	}

	// Per-goal state, seeded once so every run loads the same data.
	seed := rand.New(rand.NewPCG(7, 5))
	goals := make([]scaleGoal, scaleGoalID(teams, scaleCitizens, scaleGoals)+1)
	for t := 1; t <= teams; t++ {
		for c := 1; c <= scaleCitizens; c++ {
			for g := 1; g <= scaleGoals; g++ {
				s := &goals[scaleGoalID(t, c, g)]
				s.team = t
				s.staff = 2 + seed.IntN(4)
				s.quiet = seed.IntN(100) < scaleQuietPct
				s.revPhase = seed.IntN(scaleCadence)
				s.skipLast = seed.IntN(100) < scaleSkipRevPct
				s.gas = -1 - seed.IntN(2)
				// The revisions held: every cadence from the phase on, up to
				// the digest week's end, the latest skipped for some goals.
				var held []time.Time
				for d := scaleStart.AddDate(0, 0, s.revPhase); !d.After(scaleTo); d = d.AddDate(0, 0, scaleCadence) {
					held = append(held, d)
				}
				if s.skipLast {
					s.nextRev = held[len(held)-1] // overdue
					held = held[:len(held)-1]
				} else {
					s.nextRev = held[len(held)-1].AddDate(0, 0, scaleCadence)
				}
				s.lastRev = held[len(held)-1]
			}
		}
	}

	// Teams, members, borgere, plan goals and goals: one COPY each.
	created := scaleCreated
	err = scaleCopy(ctx, raw, "teams", "id, channel_id, name, lang, tz, digest_weekday, digest_time, reminder_time, created_by, created_at",
		func(emit func(...any) error) error {
			for t := 1; t <= teams; t++ {
				if err := emit(int64(t), fmt.Sprintf("C%07d", t), fmt.Sprintf("Team %04d", t), "da", "Europe/Copenhagen",
					int64(1), "09:00", "08:00", scaleAuthor(t, 0), created); err != nil {
					return err
				}
				n.teams++
			}
			return nil
		})
	if err == nil {
		err = scaleCopy(ctx, raw, "team_members", "team_id, user_id, coordinator, added_at", func(emit func(...any) error) error {
			for t := 1; t <= teams; t++ {
				for k := range scaleStaff {
					if err := emit(int64(t), scaleAuthor(t, k), k < 2, created); err != nil {
						return err
					}
					n.members++
				}
			}
			return nil
		})
	}
	if err == nil {
		err = scaleCopy(ctx, raw, "citizens", "id, team_id, alias, alias_key, contact_user, last_plan_no, last_goal_no, created_at",
			func(emit func(...any) error) error {
				for t := 1; t <= teams; t++ {
					for c := 1; c <= scaleCitizens; c++ {
						alias := "B" + strconv.Itoa(c)
						if err := emit(int64((t-1)*scaleCitizens+c), int64(t), alias, alias, scaleAuthor(t, c%scaleStaff),
							int64(1), int64(scaleGoals), created); err != nil {
							return err
						}
						n.citizens++
					}
				}
				return nil
			})
	}
	if err == nil {
		err = scaleCopy(ctx, raw, "plan_goals", "id, citizen_id, number, title, created_by, created_at, key_id",
			func(emit func(...any) error) error {
				for id := int64(1); id <= int64(teams*scaleCitizens); id++ {
					if err := emit(id, id, int64(1), empty, "U0000S00", created, keyID); err != nil {
						return err
					}
					n.plans++
				}
				return nil
			})
	}
	if err == nil {
		err = scaleCopy(ctx, raw, "goals",
			"id, citizen_id, number, plan_goal_id, title, scale_min, scale_max, target, cadence_days, next_revision, status, created_by, created_at, key_id",
			func(emit func(...any) error) error {
				for t := 1; t <= teams; t++ {
					for c := 1; c <= scaleCitizens; c++ {
						cid := int64((t-1)*scaleCitizens + c)
						for g := 1; g <= scaleGoals; g++ {
							id := scaleGoalID(t, c, g)
							var target any
							if id%3 != 0 {
								target = int64(7 + id%3)
							}
							if err := emit(id, cid, int64(g), cid, empty, int64(1), int64(10), target, int64(scaleCadence),
								goals[id].nextRev.Format(time.DateOnly), "active", scaleAuthor(t, 0), created, keyID); err != nil {
								return err
							}
							n.goals++
						}
					}
				}
				return nil
			})
	}
	if err != nil {
		b.Fatal(err)
	}
	small := time.Since(start)

	// Entries and revisions, week by week in the order they were written,
	// the teams split over the streams. Within a week each stream's rows
	// are sorted by written_at, so a team's rows are scattered over the
	// table as they are in production, not clustered.
	type entry struct {
		goal           int64
		author         string
		day            time.Time
		written        time.Time
		staff, citizen int
		undo           bool
	}
	authors := make([][]string, teams+1)
	for t := 1; t <= teams; t++ {
		for k := range scaleStaff {
			authors[t] = append(authors[t], scaleAuthor(t, k))
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, scaleStreams)
	for s := range scaleStreams {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(11, uint64(s)))
			var nextEntry, nextRev int64 = int64(s) + 1, int64(s) + 1
			var entries, undos, revisions int64
			var week []entry
			for k := range scaleWeeks {
				monday := scaleStart.AddDate(0, 0, 7*k)
				sunday := monday.AddDate(0, 0, 6)
				week = week[:0]
				for id := int64(1); id < int64(len(goals)); id++ {
					g := &goals[id]
					if g.team%scaleStreams != s || (g.quiet && k >= scaleWeeks-3) {
						continue
					}
					step := rng.IntN(3) - 1
					if g.staff >= 9 && rng.IntN(2) == 0 {
						step = -1
					}
					g.staff = min(max(g.staff+step, 1), 10)
					e := entry{goal: id, author: authors[g.team][rng.IntN(scaleStaff)], staff: g.staff, citizen: -99,
						day: monday.AddDate(0, 0, rng.IntN(7))}
					e.written = e.day.Add(7*time.Hour + time.Duration(rng.IntN(15*3600))*time.Second)
					if rng.IntN(100) < scaleBorgerPct {
						if rng.IntN(100) < scaleGapPct {
							d := 3 + rng.IntN(3)
							if e.staff+d > 10 || (e.staff-d >= 1 && rng.IntN(2) == 0) {
								d = -d
							}
							e.citizen = e.staff + d
						} else {
							e.citizen = min(max(e.staff+rng.IntN(3)-1, 1), 10)
						}
					}
					e.undo = rng.IntN(1000) < scaleUndoPermil
					week = append(week, e)
				}
				slices.SortFunc(week, func(a, b entry) int { return a.written.Compare(b.written) })
				err := scaleCopy(ctx, raw, "entries", "id, goal_id, kind, author, day, written_at, staff_score, citizen_score, note, replaces, key_id",
					func(emit func(...any) error) error {
						for _, e := range week {
							var citizen any
							if e.citizen != -99 {
								citizen = int64(e.citizen)
							}
							id := nextEntry
							nextEntry += scaleStreams
							day := e.day.Format(time.DateOnly)
							if err := emit(id, e.goal, "score", e.author, day, e.written, int64(e.staff), citizen, empty, nil, keyID); err != nil {
								return err
							}
							entries++
							if e.undo {
								if err := emit(nextEntry, e.goal, "undo", e.author, day, e.written.Add(5*time.Minute), nil, nil, empty, id, keyID); err != nil {
									return err
								}
								nextEntry += scaleStreams
								undos++
							}
						}
						return nil
					})
				if err == nil {
					err = scaleCopy(ctx, raw, "revisions",
						"id, goal_id, author, day, written_at, gas_level, outcome, citizen_took_part, reflection, next_revision, key_id",
						func(emit func(...any) error) error {
							for id := int64(1); id < int64(len(goals)); id++ {
								g := &goals[id]
								if g.team%scaleStreams != s {
									continue
								}
								off := int(monday.Sub(scaleStart).Hours()/24) - g.revPhase
								// The goal's revision day in this week, if it has one.
								d := monday.AddDate(0, 0, ((-off)%scaleCadence+scaleCadence)%scaleCadence)
								if off+6 < 0 || d.After(sunday) || d.After(g.lastRev) {
									continue
								}
								g.gas = min(max(g.gas+rng.IntN(3)-1, -2), 2)
								outcome := "continue"
								if rng.IntN(100) < 15 {
									outcome = "adjust"
								}
								var took any
								switch r := rng.IntN(10); {
								case r < 8:
									took = true
								case r < 9:
									took = false
								}
								written := d.Add(10*time.Hour + time.Duration(rng.IntN(6*3600))*time.Second)
								if err := emit(nextRev, id, authors[g.team][rng.IntN(2)], d.Format(time.DateOnly), written, int64(g.gas), outcome,
									took, empty, d.AddDate(0, 0, scaleCadence).Format(time.DateOnly), keyID); err != nil {
									return err
								}
								nextRev += scaleStreams
								revisions++
							}
							return nil
						})
				}
				if err != nil {
					errs[s] = err
					return
				}
			}
			mu.Lock()
			n.entries += entries + undos
			n.undos += undos
			n.revisions += revisions
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	copied := time.Since(start)

	// The indexes again, one after the other (maintenance_work_mem is this
	// session's only), and the sequences past the IDs used.
	conn, err := raw.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
		b.Fatal(err)
	}
	for _, ix := range indexes {
		if _, err := conn.ExecContext(ctx, ix.def); err != nil {
			b.Fatal(err)
		}
	}
	conn.Close()
	for _, tbl := range []string{"teams", "citizens", "plan_goals", "goals", "entries", "revisions"} {
		if _, err := raw.ExecContext(ctx, fmt.Sprintf(`SELECT setval('%[1]s_id_seq', (SELECT max(id) FROM %[1]s))`, tbl)); err != nil {
			b.Fatal(err)
		}
	}
	indexed := time.Since(start)
	// VACUUM sets the hint bits and the visibility map as autovacuum would
	// long have in production; ANALYZE gives the planner its statistics.
	if _, err := raw.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	total := time.Since(start)
	b.Logf("generated %d teams, %d members, %d borgere, %d plan goals, %d goals, %d entries (%d of them undo), %d revisions",
		n.teams, n.members, n.citizens, n.plans, n.goals, n.entries, n.undos, n.revisions)
	b.Logf("generation: %s small tables, %s entries and revisions (COPY), %s indexes, %s VACUUM ANALYZE: %s in all",
		small.Round(time.Second), (copied - small).Round(time.Second), (indexed - copied).Round(time.Second),
		(total - indexed).Round(time.Second), total.Round(time.Second))

	var dbSize, entHeap, entTotal, revTotal string
	err = raw.QueryRowContext(ctx, `SELECT pg_size_pretty(pg_database_size(current_database())),
		pg_size_pretty(pg_relation_size('entries')), pg_size_pretty(pg_total_relation_size('entries')),
		pg_size_pretty(pg_total_relation_size('revisions'))`).Scan(&dbSize, &entHeap, &entTotal, &revTotal)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("database %s; entries %s (table %s), revisions %s with indexes", dbSize, entTotal, entHeap, revTotal)
	return n
}

// scalePercentile is the p-th percentile (nearest rank) of sorted ds.
func scalePercentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds))*p/100+0.999999) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

func scaleSummary(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("n=%d total %.2f s, mean %s, p50 %s, p95 %s, p99 %s, max %s", len(s), sum.Seconds(),
		ms(sum/time.Duration(max(len(s), 1))), ms(scalePercentile(s, 50)), ms(scalePercentile(s, 95)),
		ms(scalePercentile(s, 99)), ms(s[len(s)-1]))
}

// scaleHash is a hash of everything in the digests, to compare two
// versions of the queries on the same data.
func scaleHash(ds []smallgoals.Digest) string {
	h := sha256.New()
	n := func(p *int) string {
		if p == nil {
			return "-"
		}
		return strconv.Itoa(*p)
	}
	d := func(p *time.Time) string {
		if p == nil {
			return "-"
		}
		return p.Format(time.DateOnly)
	}
	for _, dg := range ds {
		fmt.Fprintf(h, "D %s %s %d %d\n", d(&dg.From), d(&dg.To), dg.Entries, dg.Authors)
		for _, g := range dg.Goals {
			fmt.Fprintf(h, "G %d %d %s %d %d %d %s %d %s %s %s %s %s %s %s\n", g.GoalID, g.CitizenID, g.Alias, g.Number,
				g.ScaleMin, g.ScaleMax, d(g.NextRevision), g.WeekEntries, n(g.LastInWeek), n(g.LastBefore), n(g.BestBefore),
				n(g.BestInWeek), d(g.LastDay), n(g.GapStaff), n(g.GapCitizen))
		}
		for _, r := range dg.Revisions {
			fmt.Fprintf(h, "R %d %d %s %d %s %d %s %t\n", r.GoalID, r.CitizenID, r.Alias, r.Number, d(&r.Day), r.GASLevel, r.Outcome, r.Latest)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// scaleChannels stands in for Slack in the digest job: every channel
// private, posts counted.
type scaleChannels struct{ posts int }

func (c *scaleChannels) Post(context.Context, string, commands.Reply) (smallgoals.Posted, error) {
	c.posts++
	return smallgoals.Posted{}, nil
}
func (c *scaleChannels) PostFile(context.Context, string, commands.File) (string, error) {
	return "F1", nil
}
func (c *scaleChannels) IsPrivate(context.Context, string) (bool, error) { return true, nil }

type scaleDMs struct{ n int }

func (d *scaleDMs) DM(context.Context, string, commands.Reply) (smallgoals.Posted, error) {
	d.n++
	return smallgoals.Posted{}, nil
}

// BenchmarkDigests computes all teams' digests of one week, sequentially:
// each team's DigestOf (three queries in a transaction) and the message
// Digester.Message formats from it. One iteration is all the teams.
func BenchmarkDigests(b *testing.B) {
	if os.Getenv("SMALLGOALS_SCALE") != "1" {
		b.Skip("set SMALLGOALS_SCALE=1 to load ~21 million rows and compute the digests (see BENCHMARKS.md)")
	}
	teamCount := scaleEnvInt(b, "SMALLGOALS_SCALE_TEAMS", 1000)
	charts := scaleEnvInt(b, "SMALLGOALS_SCALE_CHARTS", 100)
	ctx := context.Background()
	url := os.Getenv("SMALLGOALS_SCALE_URL")
	var goalCount int64
	if url == "" {
		url = storetest.URL(b)
		goalCount = generateScale(b, url, teamCount).goals
	} else {
		// A database generated before (kept with SMALLGOALS_SCALE_PAUSE
		// and renamed): no generation; the job's claims are forgotten.
		raw, err := sql.Open("postgres", url)
		if err != nil {
			b.Fatal(err)
		}
		err = raw.QueryRowContext(ctx, `SELECT count(*) FROM goals WHERE status = 'active'`).Scan(&goalCount)
		if err == nil {
			_, err = raw.ExecContext(ctx, `DELETE FROM outbox WHERE kind = 'digest'`)
		}
		raw.Close()
		if err != nil {
			b.Fatal(err)
		}
	}

	db, err := store.Open(ctx, url, store.Options{MaxConns: 4, Keys: storetest.Keyring()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	h, err := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db})
	if err != nil {
		b.Fatal(err)
	}
	teams, err := db.ListTeams(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if len(teams) != teamCount {
		b.Fatalf("%d teams listed, want %d", len(teams), teamCount)
	}
	dig := &reminders.Digester{Text: h, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler)}
	_, week := scaleDigestDay.ISOWeek()

	var all, queries []time.Duration
	var last []smallgoals.Digest
	pass := 0
	for b.Loop() {
		pass++
		digests := make([]smallgoals.Digest, 0, len(teams))
		lat := make([]time.Duration, 0, len(teams))
		qlat := make([]time.Duration, 0, len(teams))
		blocks := 0
		for _, t := range teams {
			t0 := time.Now()
			dg, err := db.DigestOf(ctx, t.ID, scaleFrom, scaleTo)
			if err != nil {
				b.Fatal(err)
			}
			q := time.Since(t0)
			r := dig.Message(t, dg, scaleDigestDay, week, true)
			lat = append(lat, time.Since(t0))
			qlat = append(qlat, q)
			blocks += len(r.Blocks)
			digests = append(digests, dg)
		}
		b.Logf("pass %d, DigestOf+Message: %s", pass, scaleSummary(lat))
		b.Logf("pass %d, DigestOf alone:   %s", pass, scaleSummary(qlat))
		all = append(all, lat...)
		queries = append(queries, qlat...)
		last = digests
		if blocks == 0 {
			b.Fatal("no message blocks")
		}
	}
	b.StopTimer()

	// What the digests found, to show the data exercises every part.
	var goals, entries, progress, setback, quiet, gaps, revised, latest, due int
	for _, dg := range last {
		entries += dg.Entries
		for _, g := range dg.Goals {
			goals++
			if g.LastInWeek != nil && g.LastBefore != nil && *g.LastInWeek > *g.LastBefore {
				progress++
			}
			if g.LastInWeek != nil && g.LastBefore != nil && *g.LastInWeek < *g.LastBefore {
				setback++
			}
			if g.LastDay == nil || g.LastDay.Before(scaleDigestDay.AddDate(0, 0, -14)) {
				quiet++
			}
			if g.GapStaff != nil {
				gaps++
			}
			if g.NextRevision != nil && !g.NextRevision.Before(scaleDigestDay) && g.NextRevision.Before(scaleDigestDay.AddDate(0, 0, 7)) {
				due++
			}
		}
		for _, r := range dg.Revisions {
			if !r.Day.Before(dg.From) {
				revised++
			}
			if r.Latest {
				latest++
			}
		}
	}
	if goals != int(goalCount) || latest != int(goalCount) {
		b.Fatalf("digests cover %d goals with %d latest revisions, want %d", goals, latest, goalCount)
	}
	b.Logf("the digests: %d goals, %d entries in the week; progress %d, setback %d, quiet %d, gaps %d, revised %d, due %d; content hash %s",
		goals, entries, progress, setback, quiet, gaps, revised, due, scaleHash(last))

	slices.Sort(all)
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	b.ReportMetric(sum.Seconds()/float64(pass), "s/all-digests")
	b.ReportMetric(float64(scalePercentile(all, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(scalePercentile(all, 95).Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(scalePercentile(all, 99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "max-ms")
	b.Logf("all passes, DigestOf+Message: %s", scaleSummary(all))
	b.Logf("all passes, DigestOf alone:   %s", scaleSummary(queries))

	// The whole job once, as it runs on Monday at 09:00: list, claim,
	// compute, format, post (to a stand-in) and record, without charts.
	ch := &scaleChannels{}
	dig.Store, dig.Post = db, ch
	t0 := time.Now()
	res, err := dig.Digest(ctx, time.Date(2026, 11, 23, 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen")))
	if err != nil {
		b.Fatal(err)
	}
	if res.Posted != teamCount || ch.posts != teamCount {
		b.Fatalf("job posted %+v (%d posts), want %d", res, ch.posts, teamCount)
	}
	b.Logf("the digest job (Digester.Digest, no charts): %d digests posted in %.2f s", res.Posted, time.Since(t0).Seconds())

	// The reminder job once, on Monday at 08:00, every team's reminder
	// time: the scan of all due goals, the grouping, a claim and a DM (to
	// a stand-in) per recipient. Then again, as another replica ticking at
	// the same minute would: everything is claimed, nothing is sent.
	dms := &scaleDMs{}
	rem := &reminders.Reminder{Store: db, Post: dms, Text: h, Calendar: reminders.NewCalendar(),
		IsMember: func(context.Context, smallgoals.Team, string) (bool, error) { return true, nil },
		Log:      slog.New(slog.DiscardHandler)}
	remindAt := time.Date(2026, 11, 23, 8, 0, 0, 0, smallgoals.Location("Europe/Copenhagen"))
	t0 = time.Now()
	rres, err := rem.Remind(ctx, remindAt)
	if err != nil {
		b.Fatal(err)
	}
	first := time.Since(t0)
	if rres.Teams != teamCount || rres.DMs == 0 || rres.DMs != dms.n {
		b.Fatalf("reminder job: %+v (%d DMs posted), want all %d teams and some DMs", rres, dms.n, teamCount)
	}
	t0 = time.Now()
	again, err := rem.Remind(ctx, remindAt)
	if err != nil {
		b.Fatal(err)
	}
	if again.DMs != 0 {
		b.Fatalf("reminder job again: %+v, want nothing sent", again)
	}
	b.Logf("the reminder job (Reminder.Remind at 08:00, %d teams): %d DMs with %d goal reminders in %.2f s; again at once (all claimed): %.2f s",
		rres.Teams, rres.DMs, rres.Goals, first.Seconds(), time.Since(t0).Seconds())
	b.ReportMetric(first.Seconds(), "s/reminder-job")

	// Charts, measured apart: the team overview of the first teams'
	// digests, drawn as cmd/smallgoals draws it.
	var clat []time.Duration
	var bytes int
	for _, dg := range last[:min(charts, len(last))] {
		tg := make([]chart.TeamGoal, 0, len(dg.Goals))
		for _, g := range dg.Goals {
			now := cmp.Or(g.LastInWeek, g.LastBefore)
			tg = append(tg, chart.TeamGoal{Ref: g.Ref(), Min: g.ScaleMin, Max: g.ScaleMax, Now: now, Before: g.LastBefore})
		}
		t0 := time.Now()
		png, err := chart.TeamPNG(fmt.Sprintf("Team — uge %d", week), tg, chart.TeamLabels{Now: "Seneste", Before: "For en uge siden", Scale: "% af skalaen"})
		if err != nil {
			b.Fatal(err)
		}
		clat = append(clat, time.Since(t0))
		bytes += len(png)
	}
	b.Logf("team charts (chart.TeamPNG, %d goals a team, %d teams): %s, %d KB a PNG on average",
		len(last[0].Goals), len(clat), scaleSummary(clat), bytes/1024/max(len(clat), 1))

	if p := os.Getenv("SMALLGOALS_SCALE_PAUSE"); p != "" {
		d, err := time.ParseDuration(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("SMALLGOALS_SCALE_PAUSE: the database stays at %s for %s", url, d)
		time.Sleep(d)
	}
}
