package notify

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/custos-go/custos"
)

// Templates is a set of templates in a fixed set of languages, held in a
// golang.org/x/text message catalog. Build it with NewTemplates; it is
// immutable and safe for concurrent use.
type Templates struct {
	byID    map[TemplateID]*Template
	langs   []language.Tag
	cat     *catalog.Builder
	matcher language.Matcher
}

// NewTemplates validates the templates and returns the set. langs lists
// the languages every template has a text in, the first being the one a
// reader with no preferred language gets. Each template needs a
// valid id, a rule, distinct parameters of a known kind, and a subject and
// body in every language whose formats take exactly its parameters.
func NewTemplates(langs []language.Tag, ts ...Template) (*Templates, error) {
	if len(langs) == 0 {
		return nil, fmt.Errorf("%w: templates need at least one language", ErrConfig)
	}
	set := &Templates{byID: map[TemplateID]*Template{}, langs: langs, cat: catalog.NewBuilder(catalog.Fallback(langs[0]))}
	for i := range ts {
		t := ts[i]
		if err := set.add(&t); err != nil {
			return nil, err
		}
	}
	set.matcher = language.NewMatcher(langs)
	return set, nil
}

// Standard returns the templates of the notices custos workflows send, in
// Simplified Chinese (the fallback) and English: see StandardTemplates.
func Standard() *Templates {
	t, err := NewTemplates([]language.Tag{language.SimplifiedChinese, language.English}, StandardTemplates()...)
	if err != nil {
		panic("notify: standard templates: " + err.Error()) // a defect in this package, caught by its tests
	}
	return t
}

func (s *Templates) add(t *Template) error {
	if err := custos.SubjectID(t.ID).Validate(); err != nil {
		return fmt.Errorf("%w: template id: %w", ErrConfig, err)
	}
	if _, dup := s.byID[t.ID]; dup {
		return fmt.Errorf("%w: template %s declared twice", ErrConfig, t.ID)
	}
	if err := custos.GroundRule.Check(t.Rule); err != nil {
		return fmt.Errorf("%w: template %s rule: %w", ErrConfig, t.ID, err)
	}
	seen := map[string]bool{}
	for _, p := range t.Params {
		if custos.SubjectID(p.Name).Validate() != nil || seen[p.Name] || p.Kind < ParamText || p.Kind > ParamDate {
			return fmt.Errorf("%w: template %s: parameter %q invalid, repeated or of no known kind", ErrConfig, t.ID, p.Name)
		}
		seen[p.Name] = true
	}
	if len(t.Texts) != len(s.langs) {
		return fmt.Errorf("%w: template %s has %d languages, the set %d", ErrConfig, t.ID, len(t.Texts), len(s.langs))
	}
	for _, tag := range s.langs {
		txt, ok := t.Texts[tag]
		if !ok {
			return fmt.Errorf("%w: template %s has no text in %s", ErrConfig, t.ID, tag)
		}
		if err := s.setText(t, tag, txt); err != nil {
			return err
		}
	}
	s.byID[t.ID] = t
	return nil
}

// setText adds a text to the catalog after checking that each format uses
// the template's arguments and no others: a sample rendering must hold no
// "%!" mark of a bad verb, a missing or an extra argument, and the body
// must use every parameter.
func (s *Templates) setText(t *Template, tag language.Tag, txt Text) error {
	if strings.TrimSpace(txt.Subject) == "" || strings.TrimSpace(txt.Body) == "" {
		return fmt.Errorf("%w: template %s in %s has no subject or body", ErrConfig, t.ID, tag)
	}
	if err := s.cat.SetString(tag, key(t.ID, "subject"), txt.Subject); err != nil {
		return fmt.Errorf("%w: template %s in %s: %w", ErrConfig, t.ID, tag, err)
	}
	if err := s.cat.SetString(tag, key(t.ID, "body"), txt.Body); err != nil {
		return fmt.Errorf("%w: template %s in %s: %w", ErrConfig, t.ID, tag, err)
	}
	p := message.NewPrinter(tag, message.Catalog(s.cat))
	args := make([]any, len(t.Params))
	marks := make([]string, len(t.Params))
	for i, prm := range t.Params {
		if prm.Kind == ParamNumber {
			n := int64(7_000_001 + 1000*i)
			args[i], marks[i] = n, p.Sprintf("%d", n)
		} else {
			marks[i] = fmt.Sprintf("\x00%d\x00", i)
			args[i] = marks[i]
		}
	}
	subject := p.Sprintf(key(t.ID, "subject"), args...)
	body := p.Sprintf(key(t.ID, "body"), args...)
	if strings.Contains(subject, "%!") || strings.Contains(body, "%!") {
		return fmt.Errorf("%w: template %s in %s: a format does not match the parameters", ErrConfig, t.ID, tag)
	}
	for i, prm := range t.Params {
		if !strings.Contains(body, marks[i]) {
			return fmt.Errorf("%w: template %s in %s: the body does not use parameter %q", ErrConfig, t.ID, tag, prm.Name)
		}
	}
	return nil
}

func key(id TemplateID, part string) string { return string(id) + "." + part }

// Languages returns the languages of the set, the fallback first.
func (s *Templates) Languages() []language.Tag { return append([]language.Tag(nil), s.langs...) }

// Template returns the template of that id.
func (s *Templates) Template(id TemplateID) (Template, bool) {
	t, ok := s.byID[id]
	if !ok {
		return Template{}, false
	}
	return *t, true
}

// Check reports whether a message of template id with params can be
// rendered: the template exists and the parameters fill it exactly, each
// of its kind and free of personal data. Enqueue calls it, so that a bad
// message fails when it is made, not when it is sent. The error wraps
// ErrUnknownTemplate or ErrParam (and ErrPersonalData).
func (s *Templates) Check(id TemplateID, params Params) error {
	t, ok := s.byID[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownTemplate, safeName(string(id)))
	}
	return t.check(params)
}

// Choice is the language a reader gets, as language.Matcher decided it.
type Choice struct {
	// Language is the language of the text.
	Language language.Tag
	// Asked is the reader's preferred language as stored ("" if none or
	// not a language tag); it is not personal data on its own.
	Asked string
	// Confidence is the matcher's: language.No means the reader's
	// language matched none and the set's fallback was used.
	Confidence language.Confidence
}

// Fallback reports whether the reader's language matched none of the set,
// so that they got the matcher's guess or the set's first language.
func (c Choice) Fallback() bool { return c.Confidence == language.No }

// Match chooses the language of the set for a reader whose preferred
// language is preferred (a BCP 47 tag such as "zh-CN", "en-GB", or an
// Accept-Language list), as language.Matcher decides: a language of the
// set matching none still gets the matcher's best guess (English for most
// European languages), with confidence language.No, which the delivery
// record keeps. An empty or unparsable preference gets the set's first
// language, with confidence language.No.
func (s *Templates) Match(preferred string) Choice {
	tags, _, err := language.ParseAcceptLanguage(preferred)
	if err != nil || len(tags) == 0 {
		return Choice{Language: s.langs[0], Confidence: language.No}
	}
	_, i, conf := s.matcher.Match(tags...)
	return Choice{Language: s.langs[i], Asked: tags[0].String(), Confidence: conf}
}

// Rendered is a message's text in the reader's language.
type Rendered struct {
	Choice  Choice
	Subject string
	Body    string
}

// Render fills template id with params in the language Match chooses for
// preferred. The parameters must pass Check.
func (s *Templates) Render(id TemplateID, params Params, preferred string) (Rendered, error) {
	if err := s.Check(id, params); err != nil {
		return Rendered{}, err
	}
	t := s.byID[id]
	c := s.Match(preferred)
	p := message.NewPrinter(c.Language, message.Catalog(s.cat))
	args := t.args(params, c.Language)
	return Rendered{Choice: c, Subject: p.Sprintf(key(id, "subject"), args...), Body: p.Sprintf(key(id, "body"), args...)}, nil
}
