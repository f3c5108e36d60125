package custos

import (
	"fmt"
	"log/slog"
)

// Role names what an actor is employed to do (for example "customer-service"
// or "risk-officer"). Masking rules are written per role.
type Role string

// PurposeID names a registered processing purpose, such as
// "lease-servicing" or "marketing". Every read names one (PIPL Art. 6, 17;
// GDPR Art. 5(1)(b)): data collected for one purpose is used only for it.
type PurposeID string

// Actor is who performs an operation: a member of staff, a service account
// or a batch job, with the role it acts in.
type Actor struct {
	// ID identifies the actor in the host's identity system.
	ID string
	// Role is the role the actor acts in for this access.
	Role Role
}

// Access is the who and why that every operation on personal information
// carries. It has no zero value that works: an empty actor or purpose is
// refused, there is no default.
type Access struct {
	// Actor is who is acting.
	Actor Actor
	// Purpose is why: a purpose registered with the vault's authorizer.
	Purpose PurposeID
	// RequestID correlates the operation with the host's request, for the
	// audit log. Optional.
	RequestID string
	// Credential identifies the credential the actor authenticated with
	// (an API key's id, a certificate's serial, a token's id), never the
	// secret itself, so that an incident can be scoped to what one leaked
	// credential read. Optional.
	Credential string
	// Instance identifies the application instance the access came
	// through (a host, a pod, a process), so that an incident can be
	// scoped to what one compromised instance read. Optional.
	Instance string
}

// Validate reports whether the access names an actor with a role and a
// purpose. The error wraps [ErrNoActor] or [ErrNoPurpose].
func (a Access) Validate() error {
	if err := validateIdentifier(a.Actor.ID); err != nil {
		return fmt.Errorf("%w: actor id %s", ErrNoActor, err)
	}
	if err := validateIdentifier(string(a.Actor.Role)); err != nil {
		return fmt.Errorf("%w: actor role %s", ErrNoActor, err)
	}
	if err := validateIdentifier(string(a.Purpose)); err != nil {
		return fmt.Errorf("%w: %s", ErrNoPurpose, err)
	}
	if a.RequestID != "" {
		if err := validateIdentifier(a.RequestID); err != nil {
			return fmt.Errorf("custos: request id %s", err)
		}
	}
	if a.Credential != "" {
		if err := validateIdentifier(a.Credential); err != nil {
			return fmt.Errorf("custos: credential id %s", err)
		}
	}
	if a.Instance != "" {
		if err := validateIdentifier(a.Instance); err != nil {
			return fmt.Errorf("custos: instance id %s", err)
		}
	}
	return nil
}

// LogValue renders the access for log/slog. An access holds no personal
// data, so nothing is redacted: a credential is named by its id, which
// opens nothing.
func (a Access) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("actor", a.Actor.ID),
		slog.String("role", string(a.Actor.Role)),
		slog.String("purpose", string(a.Purpose)),
		slog.String("request", a.RequestID),
		slog.String("credential", a.Credential),
		slog.String("instance", a.Instance),
	)
}
