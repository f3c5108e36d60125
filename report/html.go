package report

import (
	"bytes"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"strings"

	"golang.org/x/text/language"
)

//go:embed report.css
var css string

//go:embed report.html.tmpl
var pageTemplate string

// WriteHTML writes the report as one self-contained HTML page in lang:
// inline CSS and SVG charts, no script, no external resource, so it opens
// offline, prints and reads the same with JavaScript off. Every chart
// stands beside the table of its figures.
func (r *Reporter) WriteHTML(w io.Writer, rep Report, lang language.Tag) error {
	return writeHTML(w, rep, r.cat.printer(lang))
}

type htmlCell struct {
	Text  string
	Num   bool
	Empty bool
}

type htmlTable struct {
	ID, Title string
	Headers   []string
	Rows      [][]htmlCell
	Chart     template.HTML
}

type htmlSection struct {
	ID, Title string
	Tables    []htmlTable
}

type htmlFinding struct {
	Severity, Class, Text, Article, Section string
}

type htmlPage struct {
	Lang, Title, Generated, At, Controller, ControllerLabel string
	Contents, FindingsTitle, NoFindings, DigestLabel        string
	CSS                                                     template.CSS
	Sections                                                []htmlSection
	Findings                                                []htmlFinding
	Digest                                                  string
	Signature                                               string
	SignatureLabel                                          string
	// None is shown in a table without rows.
	None string
	// Data is the report's JSON, embedded so that the page alone can be
	// verified (Verify).
	Data string
}

func writeHTML(w io.Writer, rep Report, p printer) error {
	page := htmlPage{
		Lang: p.lang.String(), Title: p.text("title"), Generated: p.text("generated"), At: rep.At.Format("2006-01-02 15:04:05 UTC"),
		Controller: rep.Controller, ControllerLabel: p.text("controller"), Contents: p.text("contents"),
		FindingsTitle: p.text("findings"), NoFindings: p.text("no-findings"), CSS: template.CSS(css),
		DigestLabel: p.text("digest"), SignatureLabel: p.text("signature"), None: p.text("none"),
	}
	var data bytes.Buffer
	if err := WriteJSON(&data, rep); err != nil {
		return err
	}
	page.Data = data.String()
	if rep.Signature != "" {
		d, err := Digest(rep)
		if err != nil {
			return err
		}
		page.Digest, page.Signature = hex.EncodeToString(d[:]), rep.Signature
	}
	for _, f := range rep.Findings {
		page.Findings = append(page.Findings, htmlFinding{Severity: p.text("severity." + string(f.Severity)), Class: string(f.Severity),
			Text: p.text("finding."+f.Code, f.Args...), Article: f.Article, Section: f.Section})
	}
	for _, s := range rep.Sections {
		hs := htmlSection{ID: s.ID, Title: p.text("section." + s.ID)}
		charts := map[string]Chart{}
		for _, c := range s.Charts {
			charts[c.Table] = c
		}
		for _, t := range s.Tables {
			ht := htmlTable{ID: t.ID, Title: p.tableTitle(t)}
			for _, c := range t.Columns {
				ht.Headers = append(ht.Headers, p.text("col."+c.ID))
			}
			for _, row := range t.Rows {
				var hr []htmlCell
				for j, c := range row {
					k := Code // a cell beyond the columns, in a file read back
					if j < len(t.Columns) {
						k = t.Columns[j].Kind
					}
					hr = append(hr, renderCell(k, c, p))
				}
				ht.Rows = append(ht.Rows, hr)
			}
			if c, ok := charts[t.ID]; ok {
				title := p.text("chart." + c.ID)
				if t.Title != "" {
					title = p.text("chart."+t.Title, t.Args...)
				}
				svg, err := svgChart(c, t, p, title)
				if err != nil {
					return err
				}
				ht.Chart = template.HTML(svg) // built by svgChart, every text escaped
			}
			hs.Tables = append(hs.Tables, ht)
		}
		page.Sections = append(page.Sections, hs)
	}
	tmpl, err := template.New("report").Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	return tmpl.Execute(w, page)
}

func renderCell(k ColumnKind, c Cell, p printer) htmlCell {
	switch k {
	case Count:
		return htmlCell{Text: fmt.Sprint(c.N), Num: true}
	case Term:
		return htmlCell{Text: p.term(c.S), Empty: c.S == ""}
	case Local:
		if c.T == (Cell{}).T {
			return htmlCell{Text: p.text("unanswered"), Empty: true}
		}
		if p.isZH() {
			return htmlCell{Text: c.T.ZH}
		}
		return htmlCell{Text: c.T.EN}
	}
	return htmlCell{Text: c.S, Empty: strings.TrimSpace(c.S) == ""}
}
