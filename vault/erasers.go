package vault

import (
	"context"
	"fmt"

	"github.com/custos-go/custos"
)

// ErasurePlanner is an Eraser that can tell, changing nothing, what it
// would erase and keep for a customer now, so that the certificate Forget
// records before it changes anything lists it, and then erase exactly as
// planned (the times it keeps proof until included). The consent registry
// is one. For an Eraser that is not a planner, the certificate recorded
// first lists the component with nothing removed, and Forget records a
// corrected certificate once the component has reported (see Forget).
type ErasurePlanner interface {
	custos.Eraser
	PlanErasure(ctx context.Context, subject custos.SubjectID) (custos.Erased, error)
	EraseAsPlanned(ctx context.Context, acc custos.Access, subject custos.SubjectID, plan custos.Erased) (custos.Erased, error)
}

// planErasers asks each configured eraser what it would erase.
func (v *Vault) planErasers(ctx context.Context, subject custos.SubjectID) ([]custos.Erased, error) {
	var out []custos.Erased
	for i, e := range v.erasers {
		p, ok := e.(ErasurePlanner)
		if !ok {
			out = append(out, custos.Erased{Component: fmt.Sprintf("eraser %d", i)})
			continue
		}
		er, err := p.PlanErasure(ctx, subject)
		if err != nil {
			return nil, fmt.Errorf("vault: plan erasure of component %d: %w", i, err)
		}
		out = append(out, er)
	}
	return out, nil
}

// runErasers calls each configured eraser, in order, with its plan, and
// returns what they did.
func (v *Vault) runErasers(ctx context.Context, acc custos.Access, subject custos.SubjectID, plans []custos.Erased) ([]custos.Erased, error) {
	var out []custos.Erased
	for i, e := range v.erasers {
		var er custos.Erased
		var err error
		if p, ok := e.(ErasurePlanner); ok && i < len(plans) {
			er, err = p.EraseAsPlanned(ctx, acc, subject, plans[i])
		} else {
			er, err = e.EraseSubject(ctx, acc, subject)
		}
		if err != nil {
			return nil, fmt.Errorf("vault: erasure by component %d: %w", i, err)
		}
		out = append(out, er)
	}
	return out, nil
}
