package bot

import "time"

// ForgetAll drops every cached channel and user, so a test starts cold.
func (s *Slack) ForgetAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.channels)
	clear(s.users)
	clear(s.userChans)
}

// SetClock makes the Slack client's caches age by now.
func (s *Slack) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}
