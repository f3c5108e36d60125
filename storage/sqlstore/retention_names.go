package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
)

// errNames reports a retention column of names (a hold's customers or
// record types, a destruction's rules) that is not what encodeNames
// writes.
var errNames = errors.New("sqlstore: retention names do not decode")

// encodeNames writes a list of names as a JSON array of strings; null for
// a nil list (docs/FORMAT.md).
func encodeNames[T ~string](names []T) (string, error) {
	b, err := json.Marshal(names)
	return string(b), err
}

// decodeNames reads what encodeNames wrote: one JSON array of strings, or
// null, and nothing after it. Anything else is refused, so that a row
// altered outside custos is noticed, not half-read.
func decodeNames[T ~string](s string) ([]T, error) {
	var names []T
	if err := json.Unmarshal([]byte(s), &names); err != nil {
		return nil, fmt.Errorf("%w: %s", errNames, jsonProblem(err))
	}
	return names, nil
}

// jsonProblem names what is wrong without echoing the stored bytes.
func jsonProblem(err error) string {
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return "not JSON"
	}
	return "not an array of strings"
}
