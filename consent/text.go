package consent

import (
	"fmt"
	"strings"
)

// The languages every text of a notice or purpose is written in: simplified
// Chinese for PIPL, English for GDPR. An Act names the one the person read.
const (
	LangZH = "zh-Hans"
	LangEN = "en"
)

// Text is a text in both languages a notice is shown in.
type Text struct {
	// ZH is the text in simplified Chinese (LangZH).
	ZH string `json:"zh-Hans"`
	// EN is the text in English (LangEN).
	EN string `json:"en"`
}

// In returns the text in lang (LangZH or LangEN), or "".
func (t Text) In(lang string) string {
	switch lang {
	case LangZH:
		return t.ZH
	case LangEN:
		return t.EN
	}
	return ""
}

// complete reports whether both languages are given.
func (t Text) complete() bool {
	return strings.TrimSpace(t.ZH) != "" && strings.TrimSpace(t.EN) != ""
}

// requireText returns an ErrConfig error naming what when t lacks a
// language.
func requireText(t Text, what string) error {
	if !t.complete() {
		return fmt.Errorf("%w: %s must be given in %s and %s", ErrConfig, what, LangZH, LangEN)
	}
	return nil
}

// validLanguage reports whether lang is one of the notice languages.
func validLanguage(lang string) bool { return lang == LangZH || lang == LangEN }

// Party is a handler or recipient as a notice names it: who, and how to
// reach them (PIPL Art. 17(1), 23, 39).
type Party struct {
	// Name is the organization's name.
	Name string `json:"name"`
	// Contact is how to reach it: an address, telephone or e-mail of the
	// organization (not of a person).
	Contact string `json:"contact"`
}

// Recipient is another handler a purpose provides the information to
// (PIPL Art. 23) or a recipient abroad (PIPL Art. 39).
type Recipient struct {
	Party
	// Country is the recipient's country, ISO 3166-1 alpha-2 ("CN", "DE").
	// Required for a purpose with TriggerCrossBorder.
	Country string `json:"country,omitempty"`
}

func (p Party) validate(what string) error {
	if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Contact) == "" {
		return fmt.Errorf("%w: %s needs a name and a contact (PIPL Art. 17(1))", ErrConfig, what)
	}
	return nil
}

func validCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}
