package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestTeams(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()

	var team smallgoals.Team
	t.Run("create sets ID and defaults", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			team = smallgoals.Team{ChannelID: "C1", Name: "Bo 1", Lang: "en", TZ: "Europe/Copenhagen",
				CreatedBy: "U1", CreatedAt: t0}
			if err := tx.CreateTeam(ctx, &team); err != nil {
				t.Fatal(err)
			}
		})
		if team.ID == 0 {
			t.Fatal("ID not set")
		}
		if team.DigestWeekday != time.Monday || team.DigestTime != "09:00" || team.ReminderTime != "08:00" {
			t.Fatalf("defaults = %v %q %q, want Monday 09:00 08:00", team.DigestWeekday, team.DigestTime, team.ReminderTime)
		}
	})

	t.Run("second team on the channel", func(t *testing.T) {
		err := attempt(db, func(tx *store.Tx) error {
			tm := smallgoals.Team{ChannelID: "C1", Name: "Bo 2", Lang: "da", TZ: "UTC", CreatedBy: "U2", CreatedAt: t0}
			return tx.CreateTeam(ctx, &tm)
		})
		wantCode(t, err, smallgoals.ECONFLICT)
		within(t, db, func(tx *store.Tx) {
			got, err := tx.FindTeamByChannel(ctx, "C1")
			if err != nil || got.ID != team.ID || got.Name != "Bo 1" {
				t.Fatalf("team after the conflict = %+v, %v; want the first one", got, err)
			}
		})
	})

	t.Run("lookups", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			for _, get := range []func() (smallgoals.Team, error){
				func() (smallgoals.Team, error) { return tx.FindTeamByChannel(ctx, "C1") },
				func() (smallgoals.Team, error) { return tx.FindTeam(ctx, team.ID) },
			} {
				got, err := get()
				if err != nil {
					t.Fatal(err)
				}
				if !got.CreatedAt.Equal(team.CreatedAt) {
					t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, team.CreatedAt)
				}
				got.CreatedAt = team.CreatedAt
				if got != team {
					t.Errorf("team = %+v, want %+v", got, team)
				}
			}
			_, err := tx.FindTeamByChannel(ctx, "C-none")
			wantCode(t, err, smallgoals.ENOTFOUND)
			_, err = tx.FindTeam(ctx, team.ID+1000)
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})

	t.Run("CHECKs", func(t *testing.T) {
		for _, tm := range []smallgoals.Team{
			{ChannelID: "C-lang", Name: "X", Lang: "de", TZ: "UTC", CreatedBy: "U1", CreatedAt: t0},
			{ChannelID: "C-name", Name: "", Lang: "da", TZ: "UTC", CreatedBy: "U1", CreatedAt: t0},
		} {
			err := attempt(db, func(tx *store.Tx) error { return tx.CreateTeam(ctx, &tm) })
			wantCode(t, err, smallgoals.EINTERNAL)
		}
	})
}

func TestMembers(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var team, other smallgoals.Team
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "C1")
		other = mkTeam(t, tx, "C2")
	})

	t.Run("AddMember keeps the coordinator role", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			steps := []struct {
				user  string
				coord bool
				want  bool
			}{
				{"U1", false, false},
				{"U1", true, true},  // the role is added
				{"U1", false, true}, // and never taken away here
				{"U2", true, true},
				{"U2", true, true},
			}
			for i, s := range steps {
				if err := tx.AddMember(ctx, team.ID, s.user, s.coord, t0); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				m, err := tx.FindMember(ctx, team.ID, s.user)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if m != (smallgoals.Member{UserID: s.user, Coordinator: s.want}) {
					t.Fatalf("step %d: member = %+v, want coordinator %v", i, m, s.want)
				}
			}
		})
	})

	t.Run("JoinChannel", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			ok, err := tx.JoinChannel(ctx, "C-none", "U9", t0)
			if err != nil || ok {
				t.Fatalf("JoinChannel(non-team) = %v, %v; want false, nil", ok, err)
			}
			for _, tm := range []smallgoals.Team{team, other} {
				if _, err := tx.FindMember(ctx, tm.ID, "U9"); smallgoals.ErrorCode(err) != smallgoals.ENOTFOUND {
					t.Fatalf("a non-team channel stored a member: %v", err)
				}
			}
			for i := 0; i < 2; i++ { // joining again is fine
				ok, err = tx.JoinChannel(ctx, "C1", "U3", t0)
				if err != nil || !ok {
					t.Fatalf("JoinChannel(C1) #%d = %v, %v; want true, nil", i, ok, err)
				}
			}
			m, err := tx.FindMember(ctx, team.ID, "U3")
			if err != nil || m.Coordinator {
				t.Fatalf("joined member = %+v, %v; want a plain member", m, err)
			}
			// Joining does not take a coordinator's role.
			ok, err = tx.JoinChannel(ctx, "C1", "U2", t0)
			if err != nil || !ok {
				t.Fatalf("JoinChannel(C1, U2) = %v, %v", ok, err)
			}
			if m, _ := tx.FindMember(ctx, team.ID, "U2"); !m.Coordinator {
				t.Fatal("JoinChannel took the coordinator role")
			}
		})
	})

	t.Run("Members, coordinators first", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			if err := tx.AddMember(ctx, team.ID, "U0", false, t0); err != nil {
				t.Fatal(err)
			}
			got, err := tx.ListMembers(ctx, team.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []smallgoals.Member{{UserID: "U1", Coordinator: true}, {UserID: "U2", Coordinator: true}, {UserID: "U0"}, {UserID: "U3"}}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Members = %+v, want %+v", got, want)
			}
			got, err = tx.ListMembers(ctx, other.ID)
			if err != nil || len(got) != 0 {
				t.Fatalf("ListMembers(other) = %+v, %v; want none", got, err)
			}
		})
	})

	t.Run("Member not found", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			_, err := tx.FindMember(ctx, other.ID, "U1")
			wantCode(t, err, smallgoals.ENOTFOUND)
			_, err = tx.FindMember(ctx, team.ID, "U-nobody")
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})

	t.Run("AddMember to a missing team", func(t *testing.T) {
		err := attempt(db, func(tx *store.Tx) error { return tx.AddMember(ctx, other.ID+1000, "U1", true, t0) })
		wantCode(t, err, smallgoals.EINTERNAL)
	})
}

func TestUserLang(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	within(t, db, func(tx *store.Tx) {
		check := func(user, want string) {
			t.Helper()
			got, err := tx.UserLang(ctx, user)
			if err != nil || got != want {
				t.Fatalf("UserLang(%s) = %q, %v; want %q", user, got, err, want)
			}
		}
		check("U1", "")
		if err := tx.SetUserLang(ctx, "U1", "en", t0); err != nil {
			t.Fatal(err)
		}
		check("U1", "en")
		check("U2", "")
		if err := tx.SetUserLang(ctx, "U1", "da", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		check("U1", "da")
	})
	err := attempt(db, func(tx *store.Tx) error { return tx.SetUserLang(ctx, "U1", "sv", t0) })
	wantCode(t, err, smallgoals.EINTERNAL)
	within(t, db, func(tx *store.Tx) {
		if got, _ := tx.UserLang(ctx, "U1"); got != "da" {
			t.Fatalf("after a refused update UserLang = %q, want da", got)
		}
	})
}
