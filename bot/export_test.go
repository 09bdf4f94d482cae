package bot

// ForgetAll drops every cached channel and user, so a test starts cold.
func (s *Slack) ForgetAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.channels)
	clear(s.users)
	clear(s.userChans)
}
