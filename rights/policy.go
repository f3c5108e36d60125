package rights

import (
	"fmt"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/retention"
)

// Policy is what the handler declares once for its answers: who it is, the
// information GDPR Art. 15(1) and PIPL Art. 17, 48 say an answer comes
// with that no other policy type holds, and to whom it gave which fields.
// Purposes, their legal bases and recipients come from the consent
// registry; retention periods from the retention policy.
type Policy struct {
	// Controller is the personal information handler. Required.
	Controller consent.Party
	// Contact is the contact point answers name for questions and
	// complaints to the handler, such as "https://lease.example/privacy":
	// one line that does not read as personal data, which notices refuse
	// (an e-mail address reads as one). Required.
	Contact string
	// Complaint tells the person of their right to complain to the
	// authority or go to court (PIPL Art. 50; GDPR Art. 12(4), 77, 79),
	// naming the authority; both languages. Required.
	Complaint consent.Text
	// Source says where the data came from when not from the person
	// (GDPR Art. 15(1)(g)); both languages. Required.
	Source consent.Text
	// Retention is the retention policy, for the periods an answer states
	// (GDPR Art. 15(1)(d)).
	Retention retention.Policy
	// Automated lists the automated decisions the handler makes (PIPL
	// Art. 24; GDPR Art. 15(1)(h), 22); empty when it makes none.
	Automated []Decision
	// Disclosures are the organisations the handler gives fields to, by
	// the key the outbox declares their address under, with the fields
	// ("recordtype.field"): each is told of a correction of a field it
	// received (GDPR Art. 19).
	Disclosures []Disclosure
	// Channel is how answers and notices go to customers and
	// organisations, such as notify.ChannelEmail. Required.
	Channel string
}

// Decision is an automated decision the handler makes, such as a credit
// score that decides a lease application.
type Decision struct {
	// ID names it.
	ID string `json:"id"`
	// Purpose is the purpose it serves.
	Purpose custos.PurposeID `json:"purpose"`
	// Logic explains the logic involved, and Effects its significance and
	// envisaged consequences for the person (GDPR Art. 15(1)(h)).
	Logic   consent.Text `json:"logic"`
	Effects consent.Text `json:"effects"`
}

// Disclosure is an organisation the handler gives fields to.
type Disclosure struct {
	// Organisation is the recipient's key in the outbox's directory.
	Organisation string
	// Fields are the fields it receives, as "recordtype.field".
	Fields []string
}

func complete(t consent.Text) bool {
	return strings.TrimSpace(t.ZH) != "" && strings.TrimSpace(t.EN) != ""
}

// Validate reports whether the policy can answer requests.
func (p Policy) Validate() error {
	switch {
	case strings.TrimSpace(p.Controller.Name) == "" || strings.TrimSpace(p.Controller.Contact) == "":
		return fmt.Errorf("%w: policy names no controller with a contact (PIPL Art. 17(1))", ErrConfig)
	case !complete(p.Complaint):
		return fmt.Errorf("%w: policy states no complaint route in zh-Hans and en (PIPL Art. 50; GDPR Art. 12(4))", ErrConfig)
	case !complete(p.Source):
		return fmt.Errorf("%w: policy states no source in zh-Hans and en (GDPR Art. 15(1)(g))", ErrConfig)
	}
	if err := checkText("contact", p.Contact); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := checkCode("channel", p.Channel); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	for _, d := range p.Automated {
		if err := checkCode("automated decision id", d.ID); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
		if !complete(d.Logic) || !complete(d.Effects) {
			return fmt.Errorf("%w: automated decision %s needs its logic and effects in zh-Hans and en", ErrConfig, d.ID)
		}
	}
	var orgs []string
	for _, d := range p.Disclosures {
		if err := checkCode("disclosure organisation", d.Organisation); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
		if slices.Contains(orgs, d.Organisation) {
			return fmt.Errorf("%w: disclosure to %s declared twice", ErrConfig, d.Organisation)
		}
		orgs = append(orgs, d.Organisation)
		if len(d.Fields) == 0 {
			return fmt.Errorf("%w: disclosure to %s names no field", ErrConfig, d.Organisation)
		}
	}
	return nil
}
