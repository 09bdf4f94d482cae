package bot

import (
	"encoding/json"

	"github.com/slack-go/slack"
	"github.com/valyala/fastjson"
)

// Callback is an interaction as the bot reads it: slack-go's callback and,
// for a form, the values in its state. Over HTTP only the parts the bot
// uses are filled in (decodeInteraction); Socket Mode's callbacks come
// whole from slack-go (fromSlack).
type Callback struct {
	slack.InteractionCallback
	// Values are the values of a form's state, one for each of its
	// actions, as the user left them: the choice, the date, the first of
	// the options ticked, or the text.
	Values []FormValue
}

// FormValue is one action's value in a form's state.
type FormValue struct{ Action, Value string }

// fromSlack is the Callback of a callback slack-go decoded.
func fromSlack(cb slack.InteractionCallback) Callback {
	c := Callback{InteractionCallback: cb}
	if cb.View.State == nil {
		return c
	}
	for _, actions := range cb.View.State.Values {
		for id, a := range actions {
			var first string
			if len(a.SelectedOptions) > 0 {
				first = a.SelectedOptions[0].Value
			}
			c.Values = append(c.Values, FormValue{id, actionValue(a.SelectedOption.Value, a.SelectedDate, len(a.SelectedOptions) > 0, first, a.Value)})
		}
	}
	return c
}

// actionValue is an action's value in a form's state: the option chosen,
// else the date, else the first of the options ticked, else the text. One
// rule for slack-go's callbacks and the HTTP payload's bytes alike.
func actionValue[S ~string | ~[]byte](option, date S, ticked bool, first, text S) S {
	switch {
	case len(option) > 0:
		return option
	case len(date) > 0:
		return date
	case ticked:
		return first
	}
	return text
}

var parsers fastjson.ParserPool

// decodeInteraction reads an interaction payload into the parts of a
// Callback the bot uses. A form's or App Home's view comes whole with
// every click and submission, several kilobytes of blocks of which the bot
// needs only the input blocks' IDs, and the form's state, of which only
// the values. The payload is parsed once by fastjson, without reflection
// and, with its parsers pooled, without allocating; the strings wanted
// are copied out. Reflective decoders cost more than anything else the
// bot does for a form: slack-go decodes every element of every block
// (half the bot's CPU under a load of form submissions), and even a
// struct of the wanted fields took a fifth, most of it slack-go's large
// BlockAction for each value of the state. The buttons' actions, small
// and not on a form's path, are decoded into slack-go's type.
func decodeInteraction(payload []byte) (Callback, error) {
	p := parsers.Get()
	defer parsers.Put(p)
	root, err := p.ParseBytes(payload)
	if err != nil {
		return Callback{}, err
	}
	var c Callback
	cb := &c.InteractionCallback
	cb.Type = slack.InteractionType(str(root, "type"))
	cb.CallbackID, cb.TriggerID, cb.ResponseURL = str(root, "callback_id"), str(root, "trigger_id"), str(root, "response_url")
	cb.Team.ID, cb.User.ID, cb.Channel.ID = str(root, "team", "id"), str(root, "user", "id"), str(root, "channel", "id")
	cb.Message.Text, cb.Message.Timestamp, cb.Message.ThreadTimestamp = str(root, "message", "text"), str(root, "message", "ts"), str(root, "message", "thread_ts")
	if a := root.Get("actions"); a != nil && a.Type() == fastjson.TypeArray {
		if err := json.Unmarshal(a.MarshalTo(nil), &cb.ActionCallback.BlockActions); err != nil {
			return Callback{}, err
		}
	}
	v := root.Get("view")
	if v == nil {
		return c, nil
	}
	w := &cb.View
	w.ID, w.Hash, w.Type, w.CallbackID, w.PrivateMetadata = str(v, "id"), str(v, "hash"), slack.ViewType(str(v, "type")), str(v, "callback_id"), str(v, "private_metadata")
	for _, b := range v.GetArray("blocks") {
		if string(b.GetStringBytes("type")) == string(slack.MBTInput) {
			w.Blocks.BlockSet = append(w.Blocks.BlockSet, &slack.InputBlock{Type: slack.MBTInput, BlockID: str(b, "block_id")})
		}
	}
	values := v.GetObject("state", "values")
	if values == nil {
		return c, nil
	}
	values.Visit(func(_ []byte, block *fastjson.Value) {
		actions, err := block.Object()
		if err != nil {
			return
		}
		actions.Visit(func(id []byte, a *fastjson.Value) {
			ticked := a.GetArray("selected_options")
			var first []byte
			if len(ticked) > 0 {
				first = ticked[0].GetStringBytes("value")
			}
			val := actionValue(a.GetStringBytes("selected_option", "value"), a.GetStringBytes("selected_date"), len(ticked) > 0,
				first, a.GetStringBytes("value"))
			c.Values = append(c.Values, FormValue{string(id), string(val)})
		})
	})
	return c, nil
}

// str is the string at keys in v, "" where there is none.
func str(v *fastjson.Value, keys ...string) string {
	return string(v.GetStringBytes(keys...))
}
