package consent

import "github.com/custos-go/custos/internal/personal"

// personalData reports what personal data s holds ("a mobile number", ...)
// or "" when the field kinds recognise none; see personal.Find.
func personalData(s string) string { return personal.Find(s) }
