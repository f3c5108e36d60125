package memstore

import (
	"sync"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// Store is an in-memory database for every custos store. The zero value is
// not usable; call New.
type Store struct {
	mu     sync.RWMutex
	closed bool

	deks      map[custos.SubjectID]keys.WrappedDEK
	dekByRef  map[string]custos.SubjectID
	dekOrder  sorted[custos.SubjectID]
	named     map[string]keys.WrappedKey
	groups    map[int64]keys.Group
	groupDEKs map[int64]*sorted[custos.SubjectID]
	shreds    map[string]keys.ShredEntry
	shredKeys sorted[string]

	subjects     map[custos.SubjectID]vault.Subject
	subjectByRef map[string]custos.SubjectID
	records      map[custos.SubjectID]map[string]vault.Stored
	index        map[indexKey]map[recordKey][]byte // (index, value) → records → check
	recordIndex  map[recordKey]map[string][][]byte // record → index name → values
	authBumps    map[custos.SubjectID]int64        // consent writes per subject
	tombstones   map[string]vault.Tombstone        // by reference
	keyTombs     map[string]bool                   // references whose DEK was shredded

	consent *consentState
	audit   *auditState
	notify  *notifyState

	retention *retentionState
	rights    *rightsState
	transfer  *transferState
	incident  *incidentState
	snapshot  []byte // the report's policy snapshot, as stored
}

type recordKey struct {
	subject custos.SubjectID
	typ     string
}

type indexKey struct {
	index string
	value string
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		deks: map[custos.SubjectID]keys.WrappedDEK{}, dekByRef: map[string]custos.SubjectID{},
		named: map[string]keys.WrappedKey{}, groups: map[int64]keys.Group{}, groupDEKs: map[int64]*sorted[custos.SubjectID]{}, shreds: map[string]keys.ShredEntry{},
		subjects: map[custos.SubjectID]vault.Subject{}, subjectByRef: map[string]custos.SubjectID{},
		records: map[custos.SubjectID]map[string]vault.Stored{},
		index:   map[indexKey]map[recordKey][]byte{}, recordIndex: map[recordKey]map[string][][]byte{},
		authBumps:  map[custos.SubjectID]int64{},
		consent:    newConsentState(),
		audit:      newAuditState(),
		notify:     newNotifyState(),
		retention:  newRetentionState(),
		rights:     newRightsState(),
		tombstones: map[string]vault.Tombstone{}, keyTombs: map[string]bool{},
	}
}

// Close makes every later call fail with custos.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Keys returns the Store as a keys.Store.
func (s *Store) Keys() keys.Store { return (*keyStore)(s) }

// Ledger returns the Store as a keys.Ledger.
func (s *Store) Ledger() keys.Ledger { return (*ledger)(s) }

// Vault returns the Store as a vault.Store.
func (s *Store) Vault() vault.Store { return (*vaultStore)(s) }

// read locks for reading and reports ErrClosed.
func (s *Store) read() (func(), error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, custos.ErrClosed
	}
	return s.mu.RUnlock, nil
}

// write locks for writing and reports ErrClosed.
func (s *Store) write() (func(), error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, custos.ErrClosed
	}
	return s.mu.Unlock, nil
}
