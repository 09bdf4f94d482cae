package bot_test

// Stand-ins until internal/slackcheck lands.
func checkMessage(payload []byte) error                    { return nil }
func checkView(view []byte) error                          { return nil }
func checkSubmissionResponse(resp, submitted []byte) error { return nil }
