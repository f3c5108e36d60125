package incident

import (
	"context"
	"fmt"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/keys"
)

// Containment is what containment acts through: the vault and the keys,
// never their stores, so that every action is authorized and audited by
// them. Each part is optional; an action that needs a missing one fails
// with ErrConfig.
type Containment struct {
	// Restricter restricts customers (a *vault.Vault).
	Restricter interface {
		Restrict(ctx context.Context, acc custos.Access, subject custos.SubjectID, ground string) error
	}
	// IndexKeys rotates the blind-index key (a *vault.Vault).
	IndexKeys interface {
		RotateIndexKey(ctx context.Context) (int, error)
	}
	// KEK rewraps every DEK under the current KEK (a *keys.Keyring built
	// with the new KEK and the compromised one as previous).
	KEK interface {
		Rewrap(ctx context.Context, opt keys.RewrapOptions) (keys.RewrapProgress, error)
	}
}

// Revoke revokes an actor: from the next call, in every process sharing the
// store, the vault refuses it (through Gate), and the step is on the
// timeline. Revoking an actor already revoked changes nothing. In a drill
// the step is rehearsed: recorded on the timeline, the actor not revoked
// (as every containment action of a drill).
func (r *Register) Revoke(ctx context.Context, acc custos.Access, id, actor string) (Incident, error) {
	if err := custos.SubjectID(actor).Validate(); err != nil {
		return Incident{}, fmt.Errorf("%w: actor id: %v", ErrInvalid, err)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	if inc.Drill {
		return r.change(ctx, acc, id, step{action: "contained.revoke", detail: "drill: actor " + actor + " would be revoked", key: "revoke:" + actor, apply: contained})
	}
	if err := r.store.Revoke(ctx, Revocation{Actor: actor, Incident: id, At: r.now()}); err != nil {
		return Incident{}, fmt.Errorf("incident: revoke: %w", err)
	}
	return r.change(ctx, acc, id, step{action: "contained.revoke", detail: "actor " + actor + " revoked", key: "revoke:" + actor, apply: contained})
}

// RotateIndexKey starts the rotation of the blind-index key (then run the
// vault's RebuildIndex and RetireIndexKey) and records it.
func (r *Register) RotateIndexKey(ctx context.Context, acc custos.Access, id string) (Incident, error) {
	if r.contain.IndexKeys == nil {
		return Incident{}, fmt.Errorf("%w: no Containment.IndexKeys", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	key := "rotate-index-key"
	if _, done, err := r.store.EntryByKey(ctx, id, key); err != nil || done {
		return inc, err
	}
	if inc.Drill {
		return r.change(ctx, acc, id, step{action: "contained.index-key", detail: "drill: the blind-index key would be rotated", key: key, apply: contained})
	}
	v, err := r.contain.IndexKeys.RotateIndexKey(ctx)
	if err != nil {
		return Incident{}, fmt.Errorf("incident: rotate index key: %w", err)
	}
	return r.change(ctx, acc, id, step{action: "contained.index-key", detail: fmt.Sprintf("blind-index key version %d", v), key: key, apply: contained})
}

// RotateKEK rewraps every DEK under the current KEK, so that the
// compromised KEK opens none, and records it. It is resumable: a rerun
// skips the DEKs already moved.
func (r *Register) RotateKEK(ctx context.Context, acc custos.Access, id string) (Incident, error) {
	if r.contain.KEK == nil {
		return Incident{}, fmt.Errorf("%w: no Containment.KEK", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	if inc.Drill {
		return r.change(ctx, acc, id, step{action: "contained.kek", detail: "drill: the DEKs would be rewrapped", key: "rotate-kek", apply: contained})
	}
	p, err := r.contain.KEK.Rewrap(ctx, keys.RewrapOptions{})
	if err != nil {
		return Incident{}, fmt.Errorf("incident: rewrap DEKs: %w", err)
	}
	return r.change(ctx, acc, id, step{action: "contained.kek", detail: fmt.Sprintf("%d DEKs rewrapped", p.Rewrapped), key: "rotate-kek", apply: contained})
}

// RestrictAffected restricts every customer of the affected set (storage
// only, no use: PIPL Art. 47 ¶2 applied as containment) and records it.
// It is idempotent: restricting a restricted customer again keeps it so.
func (r *Register) RestrictAffected(ctx context.Context, acc custos.Access, id string) (Incident, error) {
	if r.contain.Restricter == nil {
		return Incident{}, fmt.Errorf("%w: no Containment.Restricter", ErrConfig)
	}
	inc, err := r.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	if inc.Drill {
		return r.change(ctx, acc, id, step{action: "contained.restrict", detail: "drill: the affected customers would be restricted", key: "restrict", apply: contained})
	}
	n := 0
	for s, err := range r.Affected(ctx, id) {
		if err != nil {
			return Incident{}, err
		}
		if err := r.contain.Restricter.Restrict(ctx, acc, s, "incident "+id+": containment"); err != nil {
			return Incident{}, fmt.Errorf("incident: restrict: %w", err)
		}
		n++
	}
	return r.change(ctx, acc, id, step{action: "contained.restrict", detail: fmt.Sprintf("%d customers restricted", n), key: fmt.Sprintf("restrict:%d", n), apply: contained})
}

// contained moves an incident that is detected or analysing to contained.
func contained(inc *Incident) error {
	if inc.State < StateContained {
		inc.State = StateContained
	}
	return nil
}

// Gate wraps an Authorizer so that it refuses every request of an actor
// revoked by containment, with reason "actor-revoked", before asking inner.
// It reads the store on every call, so a revocation holds from the next
// call in every process sharing the store. Build the vault with it.
func (r *Register) Gate(inner custos.Authorizer) custos.Authorizer { return gate{r: r, inner: inner} }

type gate struct {
	r     *Register
	inner custos.Authorizer
}

func (g gate) Authorize(ctx context.Context, req custos.AccessRequest) (custos.Decision, error) {
	_, revoked, err := g.r.store.Revoked(ctx, req.Access.Actor.ID)
	if err != nil {
		return custos.Decision{}, fmt.Errorf("incident: read revocations: %w", err)
	}
	if revoked {
		return custos.Decision{Reason: "actor-revoked"}, nil
	}
	return g.inner.Authorize(ctx, req)
}
