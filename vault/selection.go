package vault

import (
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/custos-go/custos"
)

// Selection is a record type and some of its fields, validated once so that
// reads which repeat (GetInto, a service reading the same fields of many
// customers) do not check the names again. Build it with Vault.Select; it
// belongs to that Vault and is safe for concurrent use.
//
// A Selection remembers, per purpose and action, the decisions of a
// StaticAuthorizer and, per role, what each field shows under the vault's
// Masking: both depend on nothing a read can change, so they are computed
// once. Decisions that depend on the customer (consent) are still asked for
// on every read.
type Selection struct {
	v      *Vault
	t      *recordType
	names  []string // sorted, distinct; never changed (events hold it)
	given  []string // the names as Select was given them
	fields []*Field // declarations, in the order of names
	want   []int    // by position in t.order: index in names, or -1

	static  atomic.Pointer[staticDecision]
	visible atomic.Pointer[roleVisibility]
}

// staticDecision is a StaticAuthorizer's answer for one purpose and action.
type staticDecision struct {
	purpose custos.PurposeID
	action  custos.Action
	d       Decision
	static  bool // false: the authorizer must be asked per read
}

// roleVisibility is what one role sees of each selected field.
type roleVisibility struct {
	role custos.Role
	vis  []Visibility
}

// Select validates fields, distinct fields of recordType, and returns them
// as a Selection. It fails with ErrUnknownRecordType, ErrUnknownField (a
// field the type does not declare, or one named twice) or ErrMissingField
// (no field). The error names a field only when it is a valid schema name.
func (v *Vault) Select(recordType string, fields ...string) (*Selection, error) {
	t, err := v.schema.recordType(recordType)
	if err != nil {
		return nil, err
	}
	return v.selection(t, fields)
}

// maxRemembered bounds the selections a Vault remembers for Get.
const maxRemembered = 256

// selections remembers the Selections Get built, by record type and field
// names as the caller gave them, so that a repeated Get validates nothing
// again and shares the selection's remembered decisions.
type selections struct {
	seed maphash.Seed
	m    sync.Map // uint64 → *Selection
	n    atomic.Int32
}

// remembered returns a Selection of t and fields, reusing one Get built
// before for the same names in the same order.
func (v *Vault) remembered(t *recordType, fields []string) (*Selection, error) {
	var h maphash.Hash
	h.SetSeed(v.sels.seed)
	h.WriteString(t.name)
	for _, f := range fields {
		h.WriteByte(0)
		h.WriteString(f)
	}
	key := h.Sum64()
	if p, ok := v.sels.m.Load(key); ok {
		if s := p.(*Selection); s.t == t && slices.Equal(s.given, fields) {
			return s, nil
		}
	}
	s, err := v.selection(t, fields)
	if err != nil {
		return nil, err
	}
	if v.sels.n.Load() < maxRemembered {
		if _, loaded := v.sels.m.LoadOrStore(key, s); !loaded {
			v.sels.n.Add(1)
		}
	}
	return s, nil
}

func (v *Vault) selection(t *recordType, fields []string) (*Selection, error) {
	names, sel, err := t.checkFields(fields)
	if err != nil {
		return nil, err
	}
	s := &Selection{v: v, t: t, names: slices.Clip(slices.Clone(names)), given: slices.Clone(fields), fields: sel, want: make([]int, len(t.order))}
	for d, n := range t.order {
		s.want[d] = -1
		if i, ok := slices.BinarySearch(s.names, n); ok {
			s.want[d] = i
		}
	}
	return s, nil
}

// RecordType returns the selection's record type.
func (s *Selection) RecordType() string { return s.t.name }

// Fields returns the selected field names, sorted: the order of a Row's
// positions.
func (s *Selection) Fields() []string { return slices.Clone(s.names) }

// Index returns the position of the named field in the selection, or -1.
func (s *Selection) Index(field string) int {
	i, ok := slices.BinarySearch(s.names, field)
	if !ok {
		return -1
	}
	return i
}

// decision returns the authorizer's static answer for the purpose and
// action, computing it on first use; ok is false when the answer depends on
// the customer and must be asked per read.
func (s *Selection) decision(r Request) (Decision, bool) {
	if p := s.static.Load(); p != nil && p.purpose == r.Access.Purpose && p.action == r.Action {
		return p.d, p.static
	}
	sa, ok := s.v.auth.(StaticAuthorizer)
	if !ok {
		return Decision{}, false
	}
	d, static := sa.AuthorizeStatic(r)
	s.static.Store(&staticDecision{purpose: r.Access.Purpose, action: r.Action, d: d, static: static})
	return d, static
}

// visibility returns what role sees of each selected field.
func (s *Selection) visibility(role custos.Role) []Visibility {
	if p := s.visible.Load(); p != nil && p.role == role {
		return p.vis
	}
	vis := make([]Visibility, len(s.fields))
	for i, f := range s.fields {
		vis[i] = s.v.masking.shows(role, s.t, f)
	}
	s.visible.Store(&roleVisibility{role: role, vis: vis})
	return vis
}
