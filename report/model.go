package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/custos-go/custos/consent"
)

// FormatVersion is the version of the report's JSON form; it changes when
// a field changes meaning.
const FormatVersion = 1

// Report is the whole report as figures: language-neutral identifiers,
// codes and counts. The HTML, JSON and CSV forms are renderings of one
// Report, so they never disagree. It holds no personal data: customers
// appear only as counts.
type Report struct {
	// Version is FormatVersion.
	Version int `json:"version"`
	// At is the time the live state was read at.
	At time.Time `json:"at"`
	// Controller names the handler the report is about.
	Controller string `json:"controller,omitempty"`
	// Sections are the parts of the report, in order.
	Sections []Section `json:"sections"`
	// Findings are what an auditor must look at first: gaps in the
	// policies and failed checks, from every section.
	Findings []Finding `json:"findings"`
	// Signature, when signed (see Sign), is a C2SP signed note of the
	// report's digest, signed like the audit log's checkpoints.
	Signature string `json:"signature,omitempty"`
}

// Section is one part of the report, such as the records of processing or
// the audit log's state.
type Section struct {
	// ID names the section, such as "processing"; its title is the
	// catalog message "section.<ID>".
	ID     string  `json:"id"`
	Tables []Table `json:"tables"`
	// Charts draw some of the tables.
	Charts []Chart `json:"charts,omitempty"`
}

// Table is a table of figures. Its title is the catalog message
// "table.<ID>", each column's header "col.<column ID>".
type Table struct {
	ID string `json:"id"`
	// Title, if set, replaces ID in the title's message key
	// ("table.<Title>"), which then takes Args.
	Title   string   `json:"title,omitempty"`
	Args    []string `json:"args,omitempty"`
	Columns []Column `json:"columns"`
	Rows    [][]Cell `json:"rows"`
}

// Column is one column of a table: its ID and what its cells hold.
type Column struct {
	ID   string     `json:"id"`
	Kind ColumnKind `json:"kind"`
}

// ColumnKind says what the cells of a column hold and so how they are
// rendered.
type ColumnKind string

const (
	// Code cells hold names and codes shown as they are in every language
	// ("marketing", "PIPL 13(1)", "C2").
	Code ColumnKind = "code"
	// Term cells hold a catalog term ("yes", "state.given") shown
	// translated; the JSON and CSV keep the term.
	Term ColumnKind = "term"
	// Count cells hold integers.
	Count ColumnKind = "count"
	// Time cells hold an RFC 3339 time, or nothing.
	Time ColumnKind = "time"
	// Local cells hold a host's text in both languages (a purpose's
	// description).
	Local ColumnKind = "local"
)

// Cell is one value of a table: a string, a number, a text in both
// languages, or nothing (an unanswered question), as its column's kind
// says. Make cells with Str, Num, Text and When.
type Cell struct {
	S    string
	N    int64
	T    consent.Text
	kind byte // 's', 'n', 't', or 0 for nothing
}

// Str makes a string cell.
func Str(s string) Cell { return Cell{S: s, kind: 's'} }

// Num makes a number cell.
func Num(n int64) Cell { return Cell{N: n, kind: 'n'} }

// Text makes a cell of a host's text in both languages.
func Text(t consent.Text) Cell { return Cell{T: t, kind: 't'} }

// When makes a time cell: RFC 3339 in UTC, empty for the zero time.
func When(t time.Time) Cell { return Str(formatTime(t)) }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// MarshalJSON writes a string, a number, a {"zh-Hans","en"} object or
// null.
func (c Cell) MarshalJSON() ([]byte, error) {
	switch c.kind {
	case 's':
		return json.Marshal(c.S)
	case 'n':
		return []byte(strconv.FormatInt(c.N, 10)), nil
	case 't':
		return json.Marshal(c.T)
	}
	return []byte("null"), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Cell) UnmarshalJSON(b []byte) error {
	*c = Cell{}
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '{':
		c.kind = 't'
		return json.Unmarshal(b, &c.T)
	case b[0] == '"':
		c.kind = 's'
		return json.Unmarshal(b, &c.S)
	}
	c.kind = 'n'
	return json.Unmarshal(b, &c.N)
}

// String is the cell as the CSV writes it: language-neutral (a text in
// both languages is written in English).
func (c Cell) String() string {
	switch c.kind {
	case 's':
		return c.S
	case 'n':
		return strconv.FormatInt(c.N, 10)
	case 't':
		return c.T.EN
	}
	return ""
}

// Chart draws a table as an inline SVG bar chart: one bar group per row,
// labelled by the row's first cell, one bar per Count column named in
// Series. Its title is the catalog message "chart.<ID>".
type Chart struct {
	ID     string   `json:"id"`
	Table  string   `json:"table"`
	Series []string `json:"series"`
	// Stacked stacks the series instead of setting them side by side.
	Stacked bool `json:"stacked,omitempty"`
}

// Severity ranks findings.
type Severity string

const (
	// Failure: a check failed, such as the audit log's verification.
	Failure Severity = "failure"
	// Gap: a policy lacks something the law asks for, such as a purpose
	// without a retention rule.
	Gap Severity = "gap"
	// Open: a question the host still has to answer, such as one of the
	// impact assessment.
	Open Severity = "open"
)

// Finding is one thing an auditor must look at. Its text is the catalog
// message "finding.<Code>" with Args.
type Finding struct {
	Severity Severity `json:"severity"`
	Section  string   `json:"section"`
	Code     string   `json:"code"`
	// Args are names and figures (never personal data) the message
	// shows.
	Args []string `json:"args,omitempty"`
	// Article is the rule the finding is about, such as "PIPL 19".
	Article string `json:"article,omitempty"`
}

// column returns the index of the column with the given ID.
func (t Table) column(id string) (int, error) {
	for i, c := range t.Columns {
		if c.ID == id {
			return i, nil
		}
	}
	return 0, fmt.Errorf("report: table %s has no column %s", t.ID, id)
}

// cols makes columns: pairs of ID and kind.
func cols(pairs ...any) []Column {
	out := make([]Column, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Column{ID: pairs[i].(string), Kind: pairs[i+1].(ColumnKind)})
	}
	return out
}
