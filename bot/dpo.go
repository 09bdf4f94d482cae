package bot

import (
	"context"

	"smallgoals/commands"
)

// Forget deletes from Slack what an erasure's reply names (its Forget
// files and Unpost messages) and their records, as the coordinator's
// erasure does before it answers, and returns the reply as its ForgetDone
// words it: `smallgoals dpo erase` with a bot token. What Slack does not
// delete in time stays due for the housekeeping job.
func (b *Bot) Forget(ctx context.Context, r commands.Reply) commands.Reply {
	return b.forget(ctx, r)
}
