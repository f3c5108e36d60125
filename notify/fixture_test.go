package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

var (
	t0     = time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	sender = custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: "transfer-notice", RequestID: "T-1"}
	dpo    = custos.Access{Actor: custos.Actor{ID: "staff-004", Role: "dpo"}, Purpose: "erasure"}
)

// events is the tests' Recorder.
type events = storetest.Recorder

var errAuditDown = errors.New("audit down")

// subjects is a custos.Subjects over a map; absent customers are unknown.
type subjects struct {
	mu sync.Mutex
	m  map[custos.SubjectID]custos.SubjectState
}

func newSubjects(active ...custos.SubjectID) *subjects {
	s := &subjects{m: map[custos.SubjectID]custos.SubjectState{}}
	for _, a := range active {
		s.m[a] = custos.SubjectActive
	}
	return s
}

func (s *subjects) SubjectState(_ context.Context, id custos.SubjectID) (custos.SubjectState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id], nil
}

func (s *subjects) set(id custos.SubjectID, st custos.SubjectState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id] = st
}

// outboxFixture is an outbox over a memstore.
type outboxFixture struct {
	store    notify.Store
	events   *events
	subjects *subjects
	outbox   *notify.Outbox
	now      time.Time
}

func newOutbox(t *testing.T, customers ...custos.SubjectID) *outboxFixture {
	t.Helper()
	f := &outboxFixture{store: memstore.New().Notify(), events: &events{}, subjects: newSubjects(customers...), now: t0}
	var err error
	f.outbox, err = notify.NewOutbox(notify.OutboxConfig{Store: f.store, Recorder: f.events, Subjects: f.subjects, Clock: func() time.Time { return f.now }})
	require.NoError(t, err)
	return f
}

// transferNotice is a valid PIPL Art. 22 notice to a customer.
func transferNotice(to custos.SubjectID, key string) notify.Message {
	return notify.Message{
		To: notify.Customer(to), Channel: notify.ChannelEmail, Template: notify.TransferNotice, Key: key, Sender: sender,
		Params: notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"},
	}
}

// counts returns the outbox's number of messages in every state.
func counts(t *testing.T, s notify.Store) map[notify.State]int {
	t.Helper()
	c, err := s.Counts(context.Background())
	require.NoError(t, err)
	return c.ByState
}
