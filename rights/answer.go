package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
	"golang.org/x/text/language"
)

// ExtensionNotice is the template of the notice telling a person that the
// period of their request is extended, and why (GDPR Art. 12(3)). Its
// parameters: reference (text), reasons (text), due (date, the last day),
// contact (text). The outbox's templates must hold it: add
// ExtensionTemplate to notify.NewTemplates.
const ExtensionNotice notify.TemplateID = "request-extension"

// ExtensionTemplate returns the ExtensionNotice template in Simplified
// Chinese and English.
func ExtensionTemplate() notify.Template {
	return notify.Template{
		ID: ExtensionNotice, Rule: "GDPR Art. 12(3)",
		Params: []notify.Param{{Name: "reference", Kind: notify.ParamText}, {Name: "reasons", Kind: notify.ParamText}, {Name: "due", Kind: notify.ParamDate}, {Name: "contact", Kind: notify.ParamText}},
		Texts: map[language.Tag]notify.Text{
			language.SimplifiedChinese: {
				Subject: "关于延长处理您的个人信息权利请求期限的通知（%[1]s）",
				Body:    "尊敬的客户：\n\n因%[2]s，我们需要延长处理您的请求（编号%[1]s）的期限，将于%[3]s前答复您。\n联系方式：%[4]s\n\n（依据GDPR第十二条第三款）",
			},
			language.English: {
				Subject: "Extension of the time to answer your request (%[1]s)",
				Body:    "Dear customer,\n\nBecause %[2]s, we need more time to answer your request (reference %[1]s). We will answer by %[3]s.\nContact: %[4]s\n\n(GDPR Art. 12(3))",
			},
		},
	}
}

// Answer is what a closed request was answered with.
type Answer struct {
	// Request is the request as stored, closed, with its Outcome.
	Request Request
	// Certificate is, for an erasure that destroyed the customer, the
	// vault's destruction certificate, once: a rerun returns the same one.
	Certificate *vault.Certificate
	// Written reports whether this call wrote the request's document to
	// Fulfilment.Out; false when an earlier call did.
	Written bool
	// Complaint tells the person of the right to complain or sue (PIPL
	// Art. 50; GDPR Art. 12(4)); every answer carries it.
	Complaint consent.Text
}

// noNotice is Request.Answered when the customer could not be sent one.
const noNotice = "none"

// answer enqueues the answer notice of a closed request, once, records
// that it did, and returns the answer.
func (d *Desk) answer(ctx context.Context, acc custos.Access, r Request) (Answer, error) {
	ans := Answer{Request: r, Complaint: d.policy.Complaint}
	if r.Kind == Erasure { // only an erasure has a certificate
		h, err := d.History(ctx, r.ID)
		if err != nil {
			return ans, err
		}
		ans.Certificate = certificateOf(h)
	}
	var err error
	if r.Answered != "" {
		return ans, nil
	}
	id := noNotice // a forgotten customer, named by reference only, is sent none
	if !r.Pseudonymised() {
		g := d.regimes[r.Regime]
		m := notify.Message{
			To: notify.Customer(r.Subject), Channel: notify.Channel(d.policy.Channel), Template: notify.RequestAnswer,
			Params: notify.Params{"reference": r.ID, "outcome": r.Outcome, "contact": d.policy.Contact, "received": r.Received.In(g.loc()).Format(time.DateOnly)},
			Key:    "rights-" + r.ID + "-answer", Sender: forRequest(acc, r),
		}
		id, err = d.outbox.Enqueue(ctx, m)
		switch {
		case errors.Is(err, notify.ErrForgotten), errors.Is(err, notify.ErrNoAddress):
			id = noNotice
		case err != nil:
			return ans, fmt.Errorf("rights: enqueue the answer (Fulfil again to retry): %w", err)
		}
	}
	r, err = d.advance(ctx, acc, r.ID, func(r *Request, _ time.Time) (Entry, bool, error) {
		if r.Answered != "" {
			return Entry{}, false, nil
		}
		r.Answered = id
		return Entry{Step: StepAnswered, Detail: detail(map[string]any{"message": id})}, true, nil
	})
	ans.Request = r
	return ans, err
}

// notifyExtension enqueues the extension notice of r; enqueueing it again
// enqueues nothing more.
func (d *Desk) notifyExtension(ctx context.Context, acc custos.Access, r Request) error {
	g := d.regimes[r.Regime]
	m := notify.Message{
		To: notify.Customer(r.Subject), Channel: notify.Channel(d.policy.Channel), Template: ExtensionNotice,
		Params: notify.Params{"reference": r.ID, "reasons": r.Extension, "due": r.Due.Add(-time.Nanosecond).In(g.loc()).Format(time.DateOnly), "contact": d.policy.Contact},
		Key:    "rights-" + r.ID + "-extension", Sender: forRequest(acc, r),
	}
	_, err := d.outbox.Enqueue(ctx, m)
	if err != nil && !errors.Is(err, notify.ErrForgotten) && !errors.Is(err, notify.ErrNoAddress) {
		return fmt.Errorf("rights: enqueue the extension notice (Extend again to retry): %w", err)
	}
	return nil
}

// certificateOf returns the certificate an erasure act recorded.
func certificateOf(h []Entry) *vault.Certificate {
	for _, e := range h {
		if e.Step != StepDone || e.Act != actErase {
			continue
		}
		var d struct {
			Certificate *vault.Certificate `json:"certificate"`
		}
		if json.Unmarshal([]byte(e.Detail), &d) == nil && d.Certificate != nil {
			return d.Certificate
		}
	}
	return nil
}

// detail encodes a history entry's detail.
func detail(v map[string]any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("rights: detail does not encode: " + err.Error())
	}
	return string(b)
}
