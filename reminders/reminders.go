// Package reminders runs the scheduled jobs: revision reminders to contact
// persons and coordinators, and the weekly digest to each team's channel
// (design.md §5). The database is the source of truth and claims every
// message by a unique key before it is sent, so several replicas send each
// one once. The jobs arrive with their issues; this package holds their
// place in the layout until then.
package reminders
