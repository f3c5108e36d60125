package sqlstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/custos-go/custos/notify"
)

// errParams reports a params column that is not what encodeParams writes.
var errParams = errors.New("sqlstore: notification parameters do not decode")

// encodeParams writes a message's parameters as a JSON object with sorted
// keys (docs/FORMAT.md), {} when there are none.
func encodeParams(p notify.Params) ([]byte, error) {
	if p == nil {
		p = notify.Params{}
	}
	for k, v := range p {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, fmt.Errorf("%w: not valid UTF-8", notify.ErrParam)
		}
	}
	return json.Marshal(p)
}

// decodeParams reads what encodeParams wrote: one JSON object of string
// values with distinct keys and nothing after it. Anything else is
// refused, so that a row altered outside custos is noticed, not
// half-read.
func decodeParams(b []byte) (notify.Params, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	tok, err := d.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", errParams)
	}
	p := notify.Params{}
	for d.More() {
		k, err := d.Token()
		key, ok := k.(string)
		if err != nil || !ok {
			return nil, fmt.Errorf("%w: bad key", errParams)
		}
		v, err := d.Token()
		val, ok := v.(string)
		if err != nil || !ok {
			return nil, fmt.Errorf("%w: a value that is not a string", errParams)
		}
		if _, dup := p[key]; dup {
			return nil, fmt.Errorf("%w: a key repeated", errParams)
		}
		p[key] = val
	}
	if tok, err := d.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("%w: unterminated object", errParams)
	}
	if _, err := d.Token(); err == nil {
		return nil, fmt.Errorf("%w: data after the object", errParams)
	}
	return p, nil
}
