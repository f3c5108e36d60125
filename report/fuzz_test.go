package report_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/report"
)

// FuzzVerify feeds report.Verify, the decoder of report files received
// from elsewhere, with mutations of a signed JSON and HTML report: it
// must never panic, and whatever it accepts must be a report signed by
// the key, which re-renders to exactly the bytes accepted.
func FuzzVerify(f *testing.F) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "report.fuzz.example")
	if err != nil {
		f.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		f.Fatal(err)
	}
	r, err := report.New(report.Config{Policies: policies(), Assessments: []report.Plan{{ID: "p", Case: report.CaseOther,
		Purposes: []custos.PurposeID{"servicing"}, Answers: map[string]consent.Text{report.QuestionLawful: {ZH: "是", EN: "yes"}}}}})
	if err != nil {
		f.Fatal(err)
	}
	rep, err := r.Build(f.Context(), at)
	if err != nil {
		f.Fatal(err)
	}
	signed, err := report.Sign(rep, s)
	if err != nil {
		f.Fatal(err)
	}
	var js, page bytes.Buffer
	if err := report.WriteJSON(&js, signed); err != nil {
		f.Fatal(err)
	}
	if err := r.WriteHTML(&page, signed, language.English); err != nil {
		f.Fatal(err)
	}
	f.Add(js.Bytes())
	f.Add(page.Bytes())
	f.Add([]byte(`{"version":1,"signature":"x"}`))
	f.Add([]byte("<!DOCTYPE html><html lang=\"en\"><pre hidden id=\"custos-report-data\">{}</pre>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := report.Verify(data, vkey)
		if err != nil {
			return
		}
		if got.Signature == "" {
			t.Fatal("accepted an unsigned report")
		}
		var again bytes.Buffer
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<!DOCTYPE html>")) {
			return // Verify compared the page with its rendering
		}
		if err := report.WriteJSON(&again, got); err != nil || !bytes.Equal(bytes.TrimSpace(again.Bytes()), bytes.TrimSpace(data)) {
			t.Fatal("accepted JSON that is not the report's own form")
		}
	})
}
