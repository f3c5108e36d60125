package notify

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/text/language"

	"github.com/custos-go/custos"
)

// TemplateID names a template.
type TemplateID string

// ParamKind is what a template parameter holds, which fixes how it is
// checked at enqueue and formatted for the reader's language.
type ParamKind uint8

const (
	// ParamText is one line of non-personal text: a name of an
	// organisation, a contact point, a reference, a list of categories.
	ParamText ParamKind = iota + 1
	// ParamNumber is a decimal integer, formatted with the language's
	// digit grouping.
	ParamNumber
	// ParamDate is a calendar date written YYYY-MM-DD, formatted as the
	// language writes dates.
	ParamDate
)

// String returns "text", "number" or "date".
func (k ParamKind) String() string {
	switch k {
	case ParamText:
		return "text"
	case ParamNumber:
		return "number"
	case ParamDate:
		return "date"
	}
	return "invalid"
}

// Param declares one parameter of a template.
type Param struct {
	Name string
	Kind ParamKind
}

// Text is a template's text in one language: fmt formats whose arguments
// are the template's parameters in the order it declares them, so a
// translation may place them in another order with %[n]s (golang.org/x/text/message).
type Text struct {
	Subject string
	Body    string
}

// Template is one notice: its parameters and its text per language.
type Template struct {
	ID TemplateID
	// Rule names the rule the notice discharges, with its article, such
	// as "PIPL Art. 22". It goes into the audit event of each delivery.
	Rule string
	// Params are the parameters, in the order the texts take them.
	Params []Param
	// Texts holds the text per language; every language of the Templates
	// it is part of must be present.
	Texts map[language.Tag]Text
}

// paramRule bounds a text parameter: one line of 1 KiB.
var paramRule = custos.TextRule{MaxBytes: 1 << 10}

// dateLayout is how dates parameters are written.
const dateLayout = time.DateOnly

// check reports whether params fill t: every declared parameter present and
// of its kind, none other, and none holding personal data. The error wraps
// ErrParam and names the parameter, never its value.
func (t *Template) check(params Params) error {
	for _, p := range t.Params {
		v, ok := params[p.Name]
		if !ok {
			return fmt.Errorf("%w: template %s needs parameter %q", ErrParam, t.ID, p.Name)
		}
		if err := p.check(v); err != nil {
			return fmt.Errorf("%w: template %s parameter %q: %w", ErrParam, t.ID, p.Name, err)
		}
	}
	if len(params) > len(t.Params) {
		for name := range params {
			if !t.declares(name) {
				return fmt.Errorf("%w: template %s has no parameter %q", ErrParam, t.ID, safeName(name))
			}
		}
	}
	return nil
}

func (t *Template) declares(name string) bool {
	for _, p := range t.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// safeName returns a parameter name for an error message, or a
// placeholder when the name itself is not a plain identifier (it could
// hold anything).
func safeName(name string) string {
	if custos.SubjectID(name).Validate() != nil || personalFind(name) != "" {
		return "(unprintable)"
	}
	return name
}

// check reports whether v is a value of the parameter's kind.
func (p Param) check(v string) error {
	switch p.Kind {
	case ParamNumber:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("not a decimal integer")
		}
	case ParamDate:
		if _, err := time.Parse(dateLayout, v); err != nil {
			return fmt.Errorf("not a date written YYYY-MM-DD")
		}
	default:
		if err := paramRule.Check(v); err != nil {
			return err
		}
		if found := personalFind(v); found != "" {
			return fmt.Errorf("%w: holds %s", ErrPersonalData, found)
		}
	}
	return nil
}

// args returns the parameters' values in declared order, as the printer
// formats them for tag.
func (t *Template) args(params Params, tag language.Tag) []any {
	out := make([]any, len(t.Params))
	for i, p := range t.Params {
		v := params[p.Name]
		switch p.Kind {
		case ParamNumber:
			n, _ := strconv.ParseInt(v, 10, 64)
			out[i] = n
		case ParamDate:
			d, _ := time.Parse(dateLayout, v)
			out[i] = formatDate(tag, d)
		default:
			out[i] = v
		}
	}
	return out
}
