package report

import (
	"fmt"
	"html"
	"strings"
)

// palette colours the series of a chart; each has a pattern-free, print
// friendly contrast against white and the next one.
var palette = []string{"#1f5fa8", "#d9822b", "#3a8f4b", "#b23b3b", "#6b4fa0", "#7a7a7a", "#2b9aa8"}

// svgChart draws the chart of table t as an inline SVG bar chart: no
// script, no external resource, a title and description for screen
// readers (the table beside it holds the same figures).
func svgChart(c Chart, t Table, p printer, title string) (string, error) {
	idx := make([]int, len(c.Series))
	for i, s := range c.Series {
		j, err := t.column(s)
		if err != nil {
			return "", err
		}
		idx[i] = j
	}
	const (
		width, height       = 720, 260
		left, right, bottom = 48, 12, 48
		top                 = 16
	)
	plotW, plotH := float64(width-left-right), float64(height-top-bottom)
	// A bar is never negative (a count is not; a figure read from a file
	// might be), and a row without the column draws nothing.
	value := func(row []Cell, j int) int64 {
		if j >= len(row) || row[j].N < 0 {
			return 0
		}
		return min(row[j].N, 1e17)
	}
	var maxV int64 = 1
	for _, row := range t.Rows {
		var sum int64
		for _, j := range idx {
			if c.Stacked {
				sum = min(sum+value(row, j), 1e18)
			} else if value(row, j) > maxV {
				maxV = value(row, j)
			}
		}
		if sum > maxV {
			maxV = sum
		}
	}
	maxV = niceCeil(maxV)
	var b strings.Builder
	id := "chart-" + c.ID
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d">`,
		esc(id), width, height, esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(p.text("chart-alt", title)))
	// Axis and grid: four steps.
	for i := 0; i <= 4; i++ {
		y := float64(top) + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left, y, width-right, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" text-anchor="end">%d</text>`, left-4, y+4, maxV*int64(i)/4)
	}
	n := len(t.Rows)
	if n > 0 {
		groupW := plotW / float64(n)
		barW := groupW * 0.8
		if !c.Stacked {
			barW /= float64(len(idx))
		}
		for r, row := range t.Rows {
			x0 := float64(left) + groupW*float64(r) + groupW*0.1
			var base float64
			for k, j := range idx {
				h := plotH * float64(value(row, j)) / float64(maxV)
				x := x0
				if !c.Stacked {
					x = x0 + barW*float64(k)
				}
				y := float64(top) + plotH - h - base
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`,
					x, y, barW, h, palette[k%len(palette)], esc(p.term(label(row))), esc(p.text("col."+c.Series[k])), value(row, j))
				if c.Stacked {
					base += h
				}
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%s</text>`, x0+groupW*0.4, height-bottom+14, esc(p.term(label(row))))
		}
	}
	// Legend.
	x := left
	for k, s := range c.Series {
		name := p.text("col." + s)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11">%s</text>`,
			x, height-18, palette[k%len(palette)], x+14, height-9, esc(name))
		x += 24 + 8*len([]rune(name))
	}
	b.WriteString(`</svg>`)
	return b.String(), nil
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, divisible by 4
// steps where it can.
func niceCeil(v int64) int64 {
	if v <= 4 {
		return 4
	}
	if v > 1e17 {
		return v // no rounding up near the top of int64
	}
	p := int64(1)
	for p*10 < v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 4, 5, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func esc(s string) string { return html.EscapeString(s) }

// label returns the row's first cell, the bar group's label.
func label(row []Cell) string {
	if len(row) == 0 {
		return ""
	}
	return row[0].String()
}
