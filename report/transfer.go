package report

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/transfer"
)

// TransferState is how the report reads company transfers (PIPL Art. 22,
// 23, 39, 55(3)).
type TransferState struct {
	// Store is the transfer package's store.
	Store transfer.Store
	// Plans are the IDs of the transfers to report on; the store lists
	// none by itself.
	Plans []string
}

// transfers reports each transfer: its cause and articles, the recipient
// and whether it is abroad, approvals, the exported manifest and whether
// the acquirer's receipt closed it. Customers are counted, never named.
type transfers struct{ t *TransferState }

func (s transfers) Section(ctx context.Context, _ time.Time) (Section, []Finding, error) {
	t := Table{ID: "transfers", Columns: cols("transfer", Code, "cause", Code, "articles", Code, "recipient", Code, "jurisdiction", Code,
		"abroad", Term, "separate-consent", Term, "assessment", Code, "approvals", Count, "customers", Count, "root", Code, "effective", Time, "finished", Time)}
	var fs []Finding
	for _, id := range s.t.Plans {
		sp, p, err := readPlan(ctx, s.t.Store, id)
		if err != nil {
			return Section{}, nil, err
		}
		approvals, err := s.t.Store.Approvals(ctx, id)
		if err != nil {
			return Section{}, nil, fmt.Errorf("report: transfer %s approvals: %w", id, err)
		}
		var articles []string
		for _, a := range p.Articles() {
			articles = append(articles, string(a))
		}
		root := ""
		if len(sp.Root) > 0 {
			root = hex.EncodeToString(sp.Root)
		}
		t.Rows = append(t.Rows, []Cell{Str(p.ID), Str(string(p.Cause)), Str(strings.Join(articles, "; ")), Str(p.Recipient.Name),
			Str(p.Recipient.Jurisdiction), Str(yesNo(p.Abroad())), Str(yesNo(p.NeedsSeparateConsent())), Str(p.ImpactAssessment),
			Num(int64(len(approvals))), Num(int64(sp.Customers)), Str(root), When(p.Effective), When(sp.Finished)})
		if strings.TrimSpace(p.ImpactAssessment) == "" {
			fs = append(fs, Finding{Severity: Gap, Section: "transfer", Code: "transfer-no-assessment", Args: []string{p.ID}, Article: "PIPL 55(3)"})
		}
	}
	return Section{ID: "transfer", Tables: []Table{t}}, fs, nil
}

func readPlan(ctx context.Context, st transfer.Store, id string) (transfer.StoredPlan, transfer.Plan, error) {
	sp, err := st.GetPlan(ctx, id)
	if errors.Is(err, transfer.ErrNotFound) {
		return sp, transfer.Plan{}, fmt.Errorf("%w: no transfer plan %q", ErrConfig, id)
	}
	if err != nil {
		return sp, transfer.Plan{}, fmt.Errorf("report: read transfer plan: %w", err)
	}
	var p transfer.Plan
	if err := json.Unmarshal(sp.Plan, &p); err != nil {
		return sp, p, fmt.Errorf("report: transfer plan %s does not decode: %w", id, err)
	}
	return sp, p, nil
}

// TransferPlan drafts the impact assessment of a company transfer from
// its plan (PIPL Art. 55(3), or 55(4) for a recipient abroad): the
// purposes carried over, the recipient and its jurisdiction. The host
// adds its answers to the questions of PIPL Art. 56.
func TransferPlan(p transfer.Plan, answers map[string]consent.Text) Plan {
	c := CaseProvision
	if p.Abroad() {
		c = CaseCrossBorder
	}
	return Plan{ID: "transfer-" + p.ID, Case: c, Purposes: p.Scope.Purposes, Answers: answers,
		Recipient: &consent.Recipient{Party: consent.Party{Name: p.Recipient.Name, Contact: p.Recipient.Contact}, Country: p.Recipient.Jurisdiction}}
}
