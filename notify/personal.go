package notify

import "github.com/custos-go/custos/internal/personal"

// personalFind reports what personal data s holds, as the field kinds
// recognise it, or "".
func personalFind(s string) string { return personal.Find(s) }
