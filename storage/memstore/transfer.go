package memstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/custos-go/custos/transfer"
)

// transferState is what the Store holds for transfer.Store, under the
// Store's lock.
type transferState struct {
	plans     map[string]transfer.StoredPlan
	approvals map[string][]transfer.Approval
	imports   map[string]transfer.Import
}

func newTransferState() *transferState {
	return &transferState{plans: map[string]transfer.StoredPlan{}, approvals: map[string][]transfer.Approval{}, imports: map[string]transfer.Import{}}
}

// Transfer returns the Store as a transfer.Store.
func (s *Store) Transfer() transfer.Store { return (*transferStore)(s) }

type transferStore Store

var _ transfer.Store = (*transferStore)(nil)

func (t *transferStore) state() *transferState {
	s := (*Store)(t)
	if s.transfer == nil {
		s.transfer = newTransferState()
	}
	return s.transfer
}

func (t *transferStore) CreatePlan(_ context.Context, p transfer.StoredPlan) error {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return err
	}
	defer unlock()
	st := t.state()
	if _, ok := st.plans[p.ID]; ok {
		return fmt.Errorf("memstore: plan %s: %w", p.ID, transfer.ErrExists)
	}
	p.Plan, p.Digest, p.SealedKey = bytes.Clone(p.Plan), bytes.Clone(p.Digest), bytes.Clone(p.SealedKey)
	st.plans[p.ID] = p
	return nil
}

func (t *transferStore) GetPlan(_ context.Context, id string) (transfer.StoredPlan, error) {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return transfer.StoredPlan{}, err
	}
	defer unlock()
	p, ok := t.state().plans[id]
	if !ok {
		return transfer.StoredPlan{}, transfer.ErrNotFound
	}
	return p, nil
}

func (t *transferStore) SetSealedKey(_ context.Context, id string, sealed []byte) ([]byte, error) {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return nil, err
	}
	defer unlock()
	st := t.state()
	p, ok := st.plans[id]
	if !ok {
		return nil, transfer.ErrNotFound
	}
	if len(p.SealedKey) == 0 {
		p.SealedKey = bytes.Clone(sealed)
		st.plans[id] = p
	}
	return p.SealedKey, nil
}

func (t *transferStore) SetExported(_ context.Context, id string, root []byte, customers uint64) error {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return err
	}
	defer unlock()
	st := t.state()
	p, ok := st.plans[id]
	if !ok {
		return transfer.ErrNotFound
	}
	p.Root, p.Customers = bytes.Clone(root), customers
	st.plans[id] = p
	return nil
}

func (t *transferStore) SetFinished(_ context.Context, id string, at time.Time) error {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return err
	}
	defer unlock()
	st := t.state()
	p, ok := st.plans[id]
	if !ok {
		return transfer.ErrNotFound
	}
	if p.Finished.IsZero() {
		p.Finished = at
		st.plans[id] = p
	}
	return nil
}

func (t *transferStore) AddApproval(_ context.Context, a transfer.Approval) error {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return err
	}
	defer unlock()
	st := t.state()
	if _, ok := st.plans[a.TransferID]; !ok {
		return transfer.ErrNotFound
	}
	for _, h := range st.approvals[a.TransferID] {
		if h.Approver.ID == a.Approver.ID {
			return transfer.ErrExists
		}
	}
	a.Digest = bytes.Clone(a.Digest)
	st.approvals[a.TransferID] = append(st.approvals[a.TransferID], a)
	return nil
}

func (t *transferStore) Approvals(_ context.Context, id string) ([]transfer.Approval, error) {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return slices.Clone(t.state().approvals[id]), nil
}

func (t *transferStore) CreateImport(_ context.Context, im transfer.Import) error {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return err
	}
	defer unlock()
	st := t.state()
	if _, ok := st.imports[im.ID]; ok {
		return transfer.ErrExists
	}
	im.Root, im.Header, im.Notices = bytes.Clone(im.Root), bytes.Clone(im.Header), bytes.Clone(im.Notices)
	st.imports[im.ID] = im
	return nil
}

func (t *transferStore) GetImport(_ context.Context, id string) (transfer.Import, error) {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return transfer.Import{}, err
	}
	defer unlock()
	im, ok := t.state().imports[id]
	if !ok {
		return transfer.Import{}, transfer.ErrNotFound
	}
	return im, nil
}

func (t *transferStore) FinishImport(_ context.Context, id string, at time.Time) error {
	unlock, err := (*Store)(t).write()
	if err != nil {
		return err
	}
	defer unlock()
	st := t.state()
	im, ok := st.imports[id]
	if !ok {
		return transfer.ErrNotFound
	}
	if im.Done.IsZero() {
		im.Done = at
		st.imports[id] = im
	}
	return nil
}
