package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes every figure of the report as one CSV record each:
// section, table, row number, row label, column and value, with
// language-neutral identifiers, then the findings as section "findings".
func WriteCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"section", "table", "row", "label", "column", "value"}); err != nil {
		return err
	}
	for _, s := range rep.Sections {
		for _, t := range s.Tables {
			for i, row := range t.Rows {
				label := ""
				if len(row) > 0 {
					label = row[0].String()
				}
				for j, c := range row {
					if j == 0 {
						continue
					}
					v, col := c.String(), ""
					if j < len(t.Columns) {
						col = t.Columns[j].ID
					}
					if j >= len(t.Columns) || t.Columns[j].Kind != Count {
						v = csvSafe(v)
					}
					if err := cw.Write([]string{s.ID, t.ID, strconv.Itoa(i + 1), label, col, v}); err != nil {
						return err
					}
				}
			}
		}
	}
	for i, f := range rep.Findings {
		args := ""
		for k, a := range f.Args {
			if k > 0 {
				args += "; "
			}
			args += a
		}
		if err := cw.Write([]string{"findings", f.Section, strconv.Itoa(i + 1), string(f.Severity), f.Code, csvSafe(args)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a value as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
