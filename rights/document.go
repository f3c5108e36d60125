package rights

import (
	"maps"
	"slices"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/vault"
)

// The format identifiers written in every document an answer writes. A
// change of a document's shape gets a new identifier; docs/FORMAT.md
// describes each.
const (
	AccessFormat      = "custos.rights.access.v1"
	PortabilityFormat = "custos.rights.portability.v1"
	ExplanationFormat = "custos.rights.explanation.v1"
)

// AccessDocument is what an access or copy request is answered with (PIPL
// Art. 45; GDPR Art. 15): the customer's records as the vault exports them,
// their consent receipts, and the information GDPR Art. 15(1) lists, from
// the policy types. It is written, as JSON, only to the writer given to
// Fulfil; custos keeps its digest, never the document.
type AccessDocument struct {
	Format     string        `json:"format"`
	Request    DocumentHead  `json:"request"`
	Controller consent.Party `json:"controller"`
	// Held is false when the vault holds no data of the customer: the
	// answer is "no data held", and Records is absent.
	Held    bool          `json:"held"`
	Records *vault.Export `json:"records,omitempty"`
	// Consents are the receipts of every consent record (ISO/IEC TS 27560).
	Consents []consent.Receipt `json:"consents"`
	// Purposes are the purposes of the processing, with their legal basis
	// and recipients (GDPR Art. 15(1)(a), (c)).
	Purposes []PurposeInfo `json:"purposes"`
	// Categories are the fields held, as "recordtype.field" (GDPR Art.
	// 15(1)(b)).
	Categories []string `json:"categories"`
	// Recipients are the other handlers the purposes provide data to
	// (GDPR Art. 15(1)(c); PIPL Art. 23).
	Recipients []consent.Recipient `json:"recipients"`
	// Retention gives the period of each record type held (GDPR Art.
	// 15(1)(d)).
	Retention []RetentionInfo `json:"retention"`
	// Rights lists the person's rights and the right to complain (GDPR
	// Art. 15(1)(e), (f); PIPL Art. 50).
	Rights consent.Text `json:"rights"`
	// Source is where the data came from (GDPR Art. 15(1)(g)).
	Source consent.Text `json:"source"`
	// Automated are the automated decisions (GDPR Art. 15(1)(h)).
	Automated []Decision `json:"automated_decisions"`
}

// PortabilityDocument is what a portability request is answered with: the
// customer's records in a structured, machine-readable form for the named
// handler (PIPL Art. 45 ¶3; GDPR Art. 20).
type PortabilityDocument struct {
	Format     string        `json:"format"`
	Request    DocumentHead  `json:"request"`
	Controller consent.Party `json:"controller"`
	// Recipient is the handler the person named (Request.Recipient).
	Recipient string        `json:"recipient"`
	Held      bool          `json:"held"`
	Records   *vault.Export `json:"records,omitempty"`
}

// ExplanationDocument explains the processing rules that apply to the
// customer (PIPL Art. 48), in zh-Hans and en.
type ExplanationDocument struct {
	Format     string        `json:"format"`
	Request    DocumentHead  `json:"request"`
	Controller consent.Party `json:"controller"`
	// Purposes are the purposes that process the record types the
	// customer holds, or for which they have a consent record.
	Purposes  []PurposeInfo `json:"purposes"`
	Automated []Decision    `json:"automated_decisions"`
	// Text is the explanation in words, line by line.
	Text consent.Text `json:"text"`
}

// DocumentHead identifies the request a document answers.
type DocumentHead struct {
	ID        string        `json:"id"`
	Kind      string        `json:"kind"`
	Requester RequesterKind `json:"-"`
	By        string        `json:"requester"`
	Relation  string        `json:"relation,omitempty"`
	Received  time.Time     `json:"received"`
	Issued    time.Time     `json:"issued_at"`
}

// PurposeInfo is one purpose as an answer states it.
type PurposeInfo struct {
	ID          custos.PurposeID    `json:"id"`
	Description consent.Text        `json:"description"`
	Basis       string              `json:"legal_basis"`
	PIPL        string              `json:"pipl_article"`
	GDPR        string              `json:"gdpr_article"`
	Law         string              `json:"law,omitempty"`
	Categories  []string            `json:"categories"`
	Recipients  []consent.Recipient `json:"recipients,omitempty"`
}

// RetentionInfo is one retention rule as an answer states it.
type RetentionInfo struct {
	RecordType string `json:"record_type"`
	Rule       string `json:"rule"`
	Start      string `json:"starts_at"`
	Minimum    string `json:"minimum,omitempty"`
	Maximum    string `json:"maximum"`
	Expiry     string `json:"at_expiry"`
	Law        string `json:"law"`
}

// rightsText states the person's rights and the right to complain.
func (p Policy) rightsText() consent.Text {
	return consent.Text{
		ZH: "您有权查阅、复制、转移、更正、补充、删除您的个人信息，限制或者拒绝处理，撤回同意，要求解释个人信息处理规则（《个人信息保护法》第四十四条至第四十八条）。" + p.Complaint.ZH,
		EN: "You have the right to access, copy and port your personal data, to have it corrected, completed or erased, to restrict or object to its processing, to withdraw consent and to have the processing rules explained (PIPL Art. 44-48; GDPR Art. 15-22). " + p.Complaint.EN,
	}
}

func head(r Request, issued time.Time) DocumentHead {
	return DocumentHead{ID: r.ID, Kind: r.Kind.String(), Requester: r.Requester.Kind, By: r.Requester.Kind.String(), Relation: r.Requester.Relation, Received: r.Received, Issued: issued}
}

// typeCategories are the categories of one record type a purpose
// processes, as "recordtype.field".
type typeCategories struct {
	recordType string
	names      []string
}

// categoriesOf returns p's categories by record type, in order: computed
// once, in New, for every answer to state.
func categoriesOf(p consent.Purpose) []typeCategories {
	var out []typeCategories
	for _, t := range slices.Sorted(maps.Keys(p.Fields)) {
		tc := typeCategories{recordType: t}
		for _, f := range p.Fields[t] {
			tc.names = append(tc.names, t+"."+f)
		}
		out = append(out, tc)
	}
	return out
}

// purposeInfo states p, limited to the record types held when types is
// not nil.
func (d *Desk) purposeInfo(p consent.Purpose, types []string) PurposeInfo {
	in := PurposeInfo{ID: p.ID, Description: p.Description, Basis: p.Basis.String(), PIPL: p.Basis.PIPL(), GDPR: p.Basis.GDPR(), Categories: []string{}, Recipients: p.Recipients}
	if p.Basis == custos.BasisLegalDuty || p.Basis == custos.BasisOtherLaw {
		in.Law = p.Law
	}
	cats, ok := d.categories[p.ID]
	if !ok {
		cats = categoriesOf(p)
	}
	for _, tc := range cats {
		if types != nil && !slices.Contains(types, tc.recordType) {
			continue
		}
		in.Categories = append(in.Categories, tc.names...)
	}
	return in
}
