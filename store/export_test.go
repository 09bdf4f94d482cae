package store

// RekeyPlainQueries returns the queries RekeyPlain runs on each table it
// looks at: the next batch ($1 key ID, $2 last ID, $3 limit) and whether
// any is left ($1 key ID).
func RekeyPlainQueries() map[string][2]string {
	qs := map[string][2]string{}
	for _, t := range rekeyVisits(true) {
		qs[t.name] = [2]string{rekeyQuery(t, true), rekeyLeftQuery(t, true)}
	}
	return qs
}
