package store

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// claimsRecovered counts claims whose claimer died (their lease ended
// without a record): recorded ambiguous by Claim, never sent again.
var claimsRecovered = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "smallgoals_claims_recovered_total",
	Help: "Claims whose claimer died before recording the send (lease over), recorded ambiguous and never sent again, by kind.",
}, []string{"kind"})
