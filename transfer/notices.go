package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
)

// NoticeReport counts the notices of a transfer.
type NoticeReport struct {
	// Enqueued customers have their notice in the outbox (this call or an
	// earlier one).
	Enqueued int64
	// ByState counts the notices by delivery state, as the outbox records
	// each delivery (Delivery only).
	ByState map[notify.State]int64
}

// noticeKey is the idempotency key of a customer's notice of a transfer.
func noticeKey(id string, s custos.SubjectID) string { return "transfer-" + id + "/" + string(s) }

// notice returns the message a customer is owed: under PIPL Art. 22 the
// transfer notice naming the recipient and its contact; when the plan needs
// separate consent (PIPL Art. 23, 39), the consent request with the
// recipient's purpose, method and categories and the reply-by date.
func notice(p Plan, s custos.SubjectID, ch notify.Channel, sender custos.Access) notify.Message {
	m := notify.Message{To: notify.Customer(s), Channel: ch, Key: noticeKey(p.ID, s), Sender: sender}
	if p.NeedsSeparateConsent() {
		m.Template = notify.TransferConsent
		m.Params = notify.Params{
			"recipient": p.Recipient.Name, "contact": p.Recipient.Contact,
			"purpose": p.Terms.Purpose, "method": p.Terms.Method, "categories": p.Terms.Categories,
			"reply_by": p.ConsentDeadline.UTC().Format("2006-01-02"),
		}
		return m
	}
	m.Template = notify.TransferNotice
	m.Params = notify.Params{"recipient": p.Recipient.Name, "contact": p.Recipient.Contact, "effective": p.Effective.UTC().Format("2006-01-02")}
	return m
}

// Notify enqueues, through the notify outbox, the notice every customer
// in the plan's scope is owed (see the package doc): one per customer,
// under an idempotency key naming transfer and customer, so a rerun
// enqueues nothing twice. The outbox's dispatcher delivers them and
// records each delivery; Delivery counts them. acc is the sender: its
// purpose must allow reading the customer's address at send time. The
// plan must be approved.
func (s *Seller) Notify(ctx context.Context, acc custos.Access, id string, ch notify.Channel) (NoticeReport, error) {
	if err := acc.Validate(); err != nil {
		return NoticeReport{}, err
	}
	p, err := s.approvedPlan(ctx, id)
	if err != nil {
		return NoticeReport{}, err
	}
	var rep NoticeReport
	err = s.inScope(ctx, acc, p, func(subj custos.SubjectID) error {
		if _, err := s.outbox.Enqueue(ctx, notice(p, subj, ch, acc)); err != nil {
			return fmt.Errorf("transfer: enqueue notice: %w", err)
		}
		rep.Enqueued++
		return nil
	})
	return rep, err
}

// Delivery counts the transfer's notices by delivery state.
func (s *Seller) Delivery(ctx context.Context, acc custos.Access, id string) (NoticeReport, error) {
	if err := acc.Validate(); err != nil {
		return NoticeReport{}, err
	}
	p, err := s.approvedPlan(ctx, id)
	if err != nil {
		return NoticeReport{}, err
	}
	rep := NoticeReport{ByState: map[notify.State]int64{}}
	err = s.inScope(ctx, acc, p, func(subj custos.SubjectID) error {
		m, err := s.outbox.Get(ctx, notify.MessageID(noticeKey(p.ID, subj)))
		if errors.Is(err, notify.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("transfer: read notice: %w", err)
		}
		rep.Enqueued++
		rep.ByState[m.State]++
		return nil
	})
	return rep, err
}

// notified reports whether the customer's notice is in the outbox and not
// cancelled.
func (s *Seller) notified(ctx context.Context, p Plan, subj custos.SubjectID) (bool, error) {
	m, err := s.outbox.Get(ctx, notify.MessageID(noticeKey(p.ID, subj)))
	if errors.Is(err, notify.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("transfer: read notice: %w", err)
	}
	return m.State != notify.StateCancelled, nil
}

// inScope calls fn for every customer the plan concerns: holding a record
// of the scope's types, not excluded, in ascending order.
func (s *Seller) inScope(ctx context.Context, acc custos.Access, p Plan, fn func(custos.SubjectID) error) error {
	var after custos.SubjectID
	for {
		page, err := s.keys.Subjects(ctx, after, 256)
		if err != nil {
			return err
		}
		for _, subj := range page {
			if p.Excluded(subj) {
				continue
			}
			types, err := s.vault.RecordTypes(ctx, acc, subj)
			if err != nil {
				if errors.Is(err, vault.ErrForgotten) || errors.Is(err, vault.ErrNotFound) {
					continue
				}
				return fmt.Errorf("transfer: read record types: %w", err)
			}
			if !slices.ContainsFunc(types, func(t string) bool { return slices.Contains(p.Scope.RecordTypes, t) }) {
				continue
			}
			if err := fn(subj); err != nil {
				return err
			}
		}
		if len(page) < 256 {
			return nil
		}
		after = page[len(page)-1]
	}
}
