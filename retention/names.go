package retention

import "fmt"

// nameOf returns names[i], the stable name of an enumeration value, or
// what(i) for a value beyond the list.
func nameOf(names []string, i uint8, what string) string {
	if int(i) < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", what, i)
}

// declared reports whether i is a declared value: not the zero value and
// within names.
func declared(names []string, i uint8) bool { return i != 0 && int(i) < len(names) }

// parseName returns the index of name in names, skipping the zero value.
func parseName(names []string, name string) (uint8, bool) {
	for i, n := range names {
		if i > 0 && n == name {
			return uint8(i), true
		}
	}
	return 0, false
}
