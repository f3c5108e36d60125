package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/custos-go/custos"
)

// ExportFormat is the format identifier written in every export.
const ExportFormat = "custos.export.v1"

// Export is the JSON document Export writes: everything the vault holds
// about one customer, for access, copy and portability requests (PIPL Art.
// 45; GDPR Art. 15, 20). Values are the canonical text of each field.
type Export struct {
	Format      string         `json:"format"`
	Subject     string         `json:"subject"`
	ExportedAt  time.Time      `json:"exported_at"`
	Restriction *Restriction   `json:"restriction,omitempty"`
	Records     []ExportRecord `json:"records"`
}

// ExportRecord is one record in an Export.
type ExportRecord struct {
	Type      string            `json:"type"`
	Version   int64             `json:"version"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	Fields    map[string]string `json:"fields"`
}

// Export writes to w, as JSON (see the Export type), every record of the
// customer with every field decrypted. The purpose must be allowed the
// export action and every field held, so that nothing is silently left out;
// otherwise Export fails with ErrDenied and writes nothing. It fails like
// Get otherwise, and writes nothing to w until the read is recorded.
func (v *Vault) Export(ctx context.Context, acc custos.Access, subject custos.SubjectID, w io.Writer) error {
	doc, err := v.ExportRecords(ctx, acc, subject)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("vault: write export: %w", err)
	}
	return nil
}

// ExportRecords is Export returning the document instead of writing it,
// for a component that places the export inside a document of its own
// (the rights package's answers): the same authorization, the same audit
// event recorded before anything is returned, the same errors.
func (v *Vault) ExportRecords(ctx context.Context, acc custos.Access, subject custos.SubjectID) (Export, error) {
	if err := validate(acc, subject); err != nil {
		return Export{}, err
	}
	ev := custos.Event{Action: custos.ActionExport, Access: acc, Subject: subject}
	doc, basis, fields, err := v.export(ctx, acc, subject)
	ev.Basis, ev.Fields = basis, fields
	if err := v.event(ctx, ev, err); err != nil {
		return Export{}, err
	}
	return doc, nil
}

func (v *Vault) export(ctx context.Context, acc custos.Access, subject custos.SubjectID) (Export, custos.LegalBasis, []string, error) {
	var basis custos.LegalBasis
	records, err := v.store.SubjectRecords(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return Export{}, basis, nil, v.notFound(ctx, subject)
	}
	if err != nil {
		return Export{}, basis, nil, fmt.Errorf("vault: read records: %w", err)
	}
	doc := Export{Format: ExportFormat, Subject: string(subject), ExportedAt: v.now(), Records: []ExportRecord{}}
	var all []string
	type plan struct {
		t     *recordType
		s     Stored
		names []string
	}
	plans := make([]plan, 0, len(records))
	for _, s := range records {
		if err := v.checkRestriction(s.Restriction, acc.Purpose); err != nil {
			return Export{}, basis, nil, err
		}
		if s.Restriction.Restricted {
			r := s.Restriction
			doc.Restriction = &r
		}
		t, err := v.schema.recordType(s.Type)
		if err != nil {
			return Export{}, basis, nil, fmt.Errorf("%w: stored record of a type the schema does not declare", ErrCorrupt)
		}
		env, err := decodeEnvelope(s.Envelope)
		if err != nil {
			return Export{}, basis, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		names := env.names()
		for _, n := range names {
			all = append(all, s.Type+"."+n)
		}
		d, err := v.authorize(ctx, Request{Access: acc, Action: custos.ActionExport, Subject: subject, RecordType: s.Type, Fields: names, AuthVersion: s.AuthVersion})
		if err != nil {
			return Export{}, basis, all, err
		}
		basis = d.Basis
		plans = append(plans, plan{t, s, names})
	}
	for _, p := range plans {
		fields := make(map[string]string, len(p.names))
		err := v.open(ctx, subject, p.t, p.s.Envelope, p.names, func(i int, c string) error {
			n := p.names[i]
			if _, err := p.t.fields[n].Kind.Value(c); err != nil {
				return fmt.Errorf("%w: field %s.%s does not decode", ErrCorrupt, p.t.name, n)
			}
			fields[n] = c
			return nil
		})
		if err != nil {
			return Export{}, basis, all, err
		}
		doc.Records = append(doc.Records, ExportRecord{Type: p.t.name, Version: p.s.Version, CreatedAt: p.s.Created, UpdatedAt: p.s.Updated, Fields: fields})
	}
	return doc, basis, all, nil
}
