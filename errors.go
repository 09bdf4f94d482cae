package smallgoals

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened; the message a user
// reads comes from the message files, keyed by Error.MsgID.
const (
	EINVALID   = "invalid"   // the input is malformed or out of range
	ENOTFOUND  = "not_found" // the thing does not exist (or the caller may not know it does)
	EFORBIDDEN = "forbidden" // the caller is known but lacks a role (e.g. coordinator)
	ECONFLICT  = "conflict"  // the thing already exists or changed meanwhile
	EINTERNAL  = "internal"  // anything else; logged once, the user sees a generic reply
)

// Error is an error meant for people. Code classifies it; MsgID and Data
// name a translated message and its template values. An empty MsgID leaves
// the words to the code: the store's ENOTFOUND and ECONFLICT carry none, as
// only the caller knows what was not found, and commands words each code
// once. Data never holds free text written by a user (notes, titles), only
// refs, numbers and keywords.
type Error struct {
	Code  string
	MsgID string
	Data  map[string]any
}

// Errorf returns an *Error with the given code, message ID ("" for the
// code's own message) and template data given as key, value pairs.
func Errorf(code, msgID string, kv ...any) *Error {
	e := &Error{Code: code, MsgID: msgID}
	if len(kv) > 0 {
		e.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return e
}

func (e *Error) Error() string {
	return fmt.Sprintf("smallgoals: %s: %s", e.Code, e.MsgID)
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}
