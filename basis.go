package custos

import "fmt"

// LegalBasis is the one lawful ground a processing purpose rests on, from
// the closed list of PIPL Art. 13 (rule L1). Each PIPL basis names its GDPR
// Art. 6(1) counterpart through [LegalBasis.GDPR]. Consent is needed only
// under [BasisConsent].
type LegalBasis uint8

// The legal bases of PIPL Art. 13, in the order of the article.
const (
	// BasisUnknown is the zero value; no purpose may rest on it.
	BasisUnknown LegalBasis = iota
	// BasisConsent: the person's consent (PIPL 13(1); GDPR 6(1)(a)).
	BasisConsent
	// BasisContract: necessary to conclude or perform a contract the person
	// is party to, or for human-resources management (PIPL 13(2); GDPR
	// 6(1)(b)).
	BasisContract
	// BasisLegalDuty: necessary to perform a statutory duty or obligation,
	// such as anti-money-laundering record keeping (PIPL 13(3); GDPR
	// 6(1)(c)).
	BasisLegalDuty
	// BasisVitalInterest: necessary for a public-health emergency or to
	// protect life, health or property in an emergency (PIPL 13(4); GDPR
	// 6(1)(d)).
	BasisVitalInterest
	// BasisPublicInterest: news reporting and supervision by public opinion
	// in the public interest, within a reasonable scope (PIPL 13(5); GDPR
	// 6(1)(e)).
	BasisPublicInterest
	// BasisPublished: information the person disclosed or that was lawfully
	// disclosed, within a reasonable scope (PIPL 13(6); GDPR has no direct
	// counterpart and relies on 6(1)(f)).
	BasisPublished
	// BasisOtherLaw: other circumstances provided by laws and administrative
	// regulations (PIPL 13(7); closest GDPR ground 6(1)(f), legitimate
	// interests, which PIPL does not know as such).
	BasisOtherLaw
)

var basisNames = [...]string{
	BasisUnknown:        "unknown",
	BasisConsent:        "consent",
	BasisContract:       "contract",
	BasisLegalDuty:      "legal-duty",
	BasisVitalInterest:  "vital-interest",
	BasisPublicInterest: "public-interest",
	BasisPublished:      "published",
	BasisOtherLaw:       "other-law",
}

var basisArticles = [...][2]string{
	BasisUnknown:        {"", ""},
	BasisConsent:        {"PIPL 13(1)", "GDPR 6(1)(a)"},
	BasisContract:       {"PIPL 13(2)", "GDPR 6(1)(b)"},
	BasisLegalDuty:      {"PIPL 13(3)", "GDPR 6(1)(c)"},
	BasisVitalInterest:  {"PIPL 13(4)", "GDPR 6(1)(d)"},
	BasisPublicInterest: {"PIPL 13(5)", "GDPR 6(1)(e)"},
	BasisPublished:      {"PIPL 13(6)", "GDPR 6(1)(f)"},
	BasisOtherLaw:       {"PIPL 13(7)", "GDPR 6(1)(f)"},
}

// String returns the basis's stable name, as written in logs and receipts.
func (b LegalBasis) String() string {
	if int(b) < len(basisNames) {
		return basisNames[b]
	}
	return fmt.Sprintf("basis(%d)", uint8(b))
}

// PIPL returns the article of PIPL Art. 13 the basis comes from.
func (b LegalBasis) PIPL() string {
	if int(b) < len(basisArticles) {
		return basisArticles[b][0]
	}
	return ""
}

// GDPR returns the GDPR Art. 6(1) ground that corresponds to the basis.
func (b LegalBasis) GDPR() string {
	if int(b) < len(basisArticles) {
		return basisArticles[b][1]
	}
	return ""
}

// Validate reports whether b is one of the bases of PIPL Art. 13.
func (b LegalBasis) Validate() error {
	if b == BasisUnknown || int(b) >= len(basisNames) {
		return fmt.Errorf("custos: legal basis %d is not one of PIPL Art. 13", uint8(b))
	}
	return nil
}

// ParseLegalBasis returns the basis whose [LegalBasis.String] is name.
func ParseLegalBasis(name string) (LegalBasis, error) {
	for i, n := range basisNames {
		if i > 0 && n == name {
			return LegalBasis(i), nil
		}
	}
	return BasisUnknown, fmt.Errorf("custos: unknown legal basis name")
}
