package rights

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/vault"
)

// access answers an access or copy request with an AccessDocument.
func (a *acts) access(ctx context.Context, out io.Writer) (outcome, error) {
	if e, ok := a.done[actExport]; ok {
		return recorded(e), nil
	}
	doc := AccessDocument{
		Format: AccessFormat, Request: head(a.r, a.d.now()), Controller: a.d.policy.Controller,
		Consents: []consent.Receipt{}, Purposes: []PurposeInfo{}, Categories: []string{}, Recipients: []consent.Recipient{},
		Retention: []RetentionInfo{}, Rights: a.d.policy.rightsText(), Source: a.d.policy.Source, Automated: a.d.policy.Automated,
	}
	if doc.Automated == nil {
		doc.Automated = []Decision{}
	}
	records, err := a.export(ctx)
	if err != nil {
		return outcome{}, err
	}
	receipts, err := a.d.consent.Receipts(ctx, a.as(), a.r.Subject)
	if err != nil {
		return outcome{}, fmt.Errorf("rights: consent receipts: %w", err)
	}
	doc.Consents = append(doc.Consents, receipts...)
	var types []string
	if records != nil {
		doc.Held, doc.Records = true, records
		for _, rec := range records.Records {
			types = append(types, rec.Type)
			for _, f := range slices.Sorted(maps.Keys(rec.Fields)) {
				doc.Categories = append(doc.Categories, rec.Type+"."+f)
			}
		}
	}
	consented := map[custos.PurposeID]bool{}
	for _, rc := range receipts {
		for _, p := range rc.Purposes {
			consented[custos.PurposeID(p.ID)] = true
		}
	}
	for _, p := range a.d.consent.Purposes() {
		info := a.d.purposeInfo(p, types)
		if len(info.Categories) == 0 && !consented[p.ID] {
			continue
		}
		doc.Purposes = append(doc.Purposes, info)
		for _, rc := range p.Recipients {
			if !slices.Contains(doc.Recipients, rc) {
				doc.Recipients = append(doc.Recipients, rc)
			}
		}
	}
	for _, rule := range a.d.policy.Retention.Rules {
		if !slices.Contains(types, rule.RecordType) {
			continue
		}
		in := RetentionInfo{RecordType: rule.RecordType, Rule: rule.Name, Start: rule.Start.String(), Maximum: rule.Max.String(), Expiry: rule.Expiry.String(), Law: rule.Law}
		if !rule.Min.IsZero() {
			in.Minimum = rule.Min.String()
		}
		doc.Retention = append(doc.Retention, in)
	}
	text := "copy of the personal information provided"
	if !doc.Held {
		text = noData
	}
	return a.deliver(ctx, actExport, doc, doc.Held, len(types), text, out)
}

// portability answers a portability request with a PortabilityDocument.
func (a *acts) portability(ctx context.Context, out io.Writer) (outcome, error) {
	if e, ok := a.done[actExport]; ok {
		return recorded(e), nil
	}
	records, err := a.export(ctx)
	if err != nil {
		return outcome{}, err
	}
	doc := PortabilityDocument{Format: PortabilityFormat, Request: head(a.r, a.d.now()), Controller: a.d.policy.Controller, Recipient: a.r.Recipient, Held: records != nil, Records: records}
	n := 0
	text := noData
	if records != nil {
		n = len(records.Records)
		text = "personal information provided in machine-readable form for " + a.r.Recipient
	}
	return a.deliver(ctx, actExport, doc, doc.Held, n, text, out)
}

// export reads the customer's records through the vault's audited export
// (vault.ExportRecords): the document takes them as they are, encoded
// once; nil when the vault does not hold the customer.
func (a *acts) export(ctx context.Context) (*vault.Export, error) {
	held, err := a.held(ctx)
	if err != nil || !held {
		return nil, err
	}
	x, err := a.d.vault.ExportRecords(ctx, a.as(), a.r.Subject)
	if err != nil {
		return nil, fmt.Errorf("rights: export: %w", err)
	}
	return &x, nil
}

// deliver records the document's act, with its digest, then writes the
// document to out.
func (a *acts) deliver(ctx context.Context, act string, doc any, held bool, records int, text string, out io.Writer) (outcome, error) {
	var buf bytes.Buffer // json.Marshal and a newline, without copying the document to append it
	if err := json.NewEncoder(&buf).Encode(doc); err != nil {
		return outcome{}, fmt.Errorf("rights: encode the document: %w", err)
	}
	b := buf.Bytes()
	sum := sha256.Sum256(b)
	if err := a.did(ctx, act, map[string]any{
		"sha256": hex.EncodeToString(sum[:]), "bytes": len(b), "held": held, "records": records,
		"state": Fulfilled.String(), "outcome": text,
	}); err != nil {
		return outcome{}, err
	}
	if _, err := out.Write(b); err != nil {
		return outcome{}, fmt.Errorf("rights: write the document (its export is recorded as done: a rerun does not write it again): %w", err)
	}
	return outcome{state: Fulfilled, text: text, wrote: true}, nil
}

// recorded returns the outcome an act's history entry recorded.
func recorded(e Entry) outcome {
	var d struct {
		State   string `json:"state"`
		Outcome string `json:"outcome"`
	}
	_ = json.Unmarshal([]byte(e.Detail), &d)
	st, err := ParseState(d.State)
	if err != nil || !st.Closed() {
		st = Fulfilled
	}
	return outcome{state: st, text: d.Outcome}
}
