// Package chart draws PNG progress charts that a borger and staff can read on a
// phone. It is used by commands (/maal graf, exports) and reminders (the weekly
// digest).
//
// The package depends only on the standard library, gonum.org/v1/plot and
// the domain package smallgoals (for the order of refs; it imports only the
// standard library), so any other package of the module may import it
// without an import cycle. It knows nothing of goals, scales or languages
// beyond what its arguments say: callers pass plain numbers and already
// translated labels.
//
// Charts are drawn at 144 dpi, so one typographic point is two pixels: the
// sizes below are in points of the canvas (a 1200 px wide chart is 600 pt
// wide). Type is large (title 24 pt, tick and axis labels 16–17 pt) and all
// text uses the embedded Liberation Sans, which renders æ, ø and å. Staff and
// borger series differ in colour (dark blue, orange), line (solid, dashed)
// and marker (circle, triangle), so they stay apart for colour-blind readers
// and in greyscale.
//
// Output is deterministic: the same input gives the same bytes. All functions
// are safe for concurrent use.
package chart
