// Package reminders runs the scheduled jobs (design.md §5): retention now;
// revision reminders and the weekly digest with their issues. The
// database is the source of truth; gocron only ticks, and every job is
// safe to run on several replicas at once.
package reminders

import (
	"context"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"smallgoals"
)

// Store is what the jobs need of the database; *store.DB is one.
type Store interface {
	// Purge deletes what is past its retention at at (closed goals and
	// what is on them, discharged citizens, plan goals without goals, the
	// audit log, housekeeping), keeping what was not exported; audited.
	Purge(ctx context.Context, at time.Time, r smallgoals.Retention) (smallgoals.Purged, error)
	ListExpiredFiles(ctx context.Context, at time.Time, limit int) ([]smallgoals.FileRecord, error)
	ForgetFile(ctx context.Context, id string) error
}

// Files deletes files the bot sent: from Slack, or from disk in the shell.
type Files interface {
	DeleteFile(ctx context.Context, id string) error
}

// Jobs are the scheduled jobs.
type Jobs struct {
	Store         Store
	Files         Files
	Log           *slog.Logger
	RetentionDays int             // RETENTION_DAYS: closed goals, discharged citizens; 0 keeps them
	AuditDays     int             // AUDIT_RETENTION_DAYS: the audit log; 0 keeps it
	Location      *time.Location  // SMALLGOALS_TZ: when the daily jobs run
	Reminder      *Reminder       // the revision reminders; nil: none
	Digester      *Digester       // the weekly digests; nil: none
	Clock         clockwork.Clock // the scheduler's clock; nil: the real one (tests set a fake)
	// Posts and Messages delete the messages of erased borgere that Slack
	// did not take at once (Unpost); nil Messages: none (the shell).
	Posts    PostStore
	Messages Messages
}

func (j *Jobs) now() time.Time {
	if j.Clock != nil {
		return j.Clock.Now()
	}
	return time.Now()
}

// RetentionResult says what a retention run did.
type RetentionResult struct {
	smallgoals.Purged
	FilesDeleted int // expired files deleted
	FilesFailed  int // expired files that could not be deleted (retried next run)
}

// fileBatch bounds the files one run deletes.
const fileBatch = 500

// Retention deletes what is past its time at at, each kind of data by
// its rule (README "Data protection"), and expired files.
func (j *Jobs) Retention(ctx context.Context, at time.Time) (r RetentionResult, err error) {
	defer func(start time.Time) { run("retention", start, err) }(time.Now())
	if r.Purged, err = j.Store.Purge(ctx, at, smallgoals.Retention{Days: j.RetentionDays, AuditDays: j.AuditDays}); err != nil {
		return r, err
	}
	files, err := j.Store.ListExpiredFiles(ctx, at, fileBatch)
	if err != nil {
		return r, err
	}
	for _, f := range files {
		if err := j.Files.DeleteFile(ctx, f.ID); err != nil {
			j.Log.Warn("expired file not deleted", "file", f.ID, "err", err)
			r.FilesFailed++
			continue
		}
		if err := j.Store.ForgetFile(ctx, f.ID); err != nil {
			return r, err
		}
		r.FilesDeleted++
	}
	j.Log.Info("retention done", "citizens_deleted", r.Citizens, "plan_goals_deleted", r.PlanGoals,
		"goals_deleted", r.Goals, "entries_deleted", r.Entries, "revisions_deleted", r.Revisions,
		"kept_unexported", r.Kept, "audit_events_deleted", r.AuditEvents, "deliveries_deleted", r.Deliveries,
		"outbox_deleted", r.Outbox, "homes_deleted", r.Homes, "files_deleted", r.FilesDeleted, "files_failed", r.FilesFailed)
	return r, nil
}

// Scheduler runs the jobs on their schedule until Shutdown.
type Scheduler struct {
	s gocron.Scheduler
}

// Start schedules the jobs in Location: reminders every minute (each team's
// slot is found by the job) and retention every hour at :15 (entries go by
// the day, files by the hour). Runs are idempotent or claimed, so replicas
// running them together do no harm.
func (j *Jobs) Start(ctx context.Context) (*Scheduler, error) {
	opts := []gocron.SchedulerOption{gocron.WithLocation(j.Location), gocron.WithLogger(logger{j.Log})}
	if j.Clock != nil {
		opts = append(opts, gocron.WithClock(j.Clock))
	}
	s, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, err
	}
	run := func() {
		if _, err := j.Retention(ctx, j.now()); err != nil {
			failed(j.Log, "retention failed", err)
		}
		if _, err := j.Unpost(ctx, j.now()); err != nil {
			failed(j.Log, "deleting erased borgere's messages failed", err)
		}
	}
	_, err = s.NewJob(gocron.CronJob("15 * * * *", false), gocron.NewTask(run),
		gocron.WithName("retention"), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return nil, err
	}
	if j.Reminder != nil || j.Digester != nil {
		// Every minute: each team's own reminder and digest times, in its
		// own zone, are found by the jobs; claims make a second run a no-op.
		remind := func() {
			at := j.now()
			if j.Reminder != nil {
				if _, err := j.Reminder.Remind(ctx, at); err != nil {
					failed(j.Log, "reminders failed", err)
				}
			}
			if j.Digester != nil {
				if _, err := j.Digester.Digest(ctx, at); err != nil {
					failed(j.Log, "digests failed", err)
				}
			}
		}
		_, err = s.NewJob(gocron.CronJob("* * * * *", false), gocron.NewTask(remind),
			gocron.WithName("reminders"), gocron.WithSingletonMode(gocron.LimitModeReschedule))
		if err != nil {
			return nil, err
		}
	}
	s.Start()
	return &Scheduler{s: s}, nil
}

// Shutdown stops the scheduler and waits for running jobs.
func (s *Scheduler) Shutdown() error { return s.s.Shutdown() }

// logger adapts slog to gocron's logger.
type logger struct{ l *slog.Logger }

func (g logger) Debug(msg string, args ...any) { g.l.Debug(msg, args...) }
func (g logger) Info(msg string, args ...any)  { g.l.Info(msg, args...) }
func (g logger) Warn(msg string, args ...any)  { g.l.Warn(msg, args...) }
func (g logger) Error(msg string, args ...any) { g.l.Error(msg, args...) }
