package notify

import (
	"fmt"
	"time"

	"golang.org/x/text/language"
)

// formatDate writes a date as the language writes it: "2026年3月5日" in
// Chinese, "5 March 2026" in English, and YYYY-MM-DD (ISO 8601) in any
// other language. golang.org/x/text formats numbers but not dates, so the
// two languages of the standard templates are written here.
func formatDate(tag language.Tag, d time.Time) string {
	base, _ := tag.Base()
	switch base.String() {
	case "zh":
		return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	case "en":
		return fmt.Sprintf("%d %s %d", d.Day(), d.Month(), d.Year())
	}
	return d.Format(dateLayout)
}
