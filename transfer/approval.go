package transfer

import (
	"fmt"
	"slices"

	"github.com/custos-go/custos"
)

// ApprovalRule is the company's rule for approving a provision of personal
// information to another handler: how many distinct people, in which
// roles, sign off the plan before anything moves (PIPL Art. 51 internal
// management; RULES M4).
type ApprovalRule struct {
	// Roles are the roles that may approve, such as "dpo" and
	// "general-counsel".
	Roles []custos.Role
	// Required is the number of distinct approvers; at least 2.
	Required int
}

// Validate checks the rule: at least two approvers from at least one role.
func (r ApprovalRule) Validate() error {
	if r.Required < 2 {
		return fmt.Errorf("%w: an approval rule needs at least 2 distinct approvers", ErrConfig)
	}
	if len(r.Roles) == 0 {
		return fmt.Errorf("%w: an approval rule names no approver role", ErrConfig)
	}
	if err := distinct(r.Roles); err != nil {
		return fmt.Errorf("%w: approver roles: %v", ErrConfig, err)
	}
	return nil
}

// check tells whether an actor may add an approval to those given.
func (r ApprovalRule) check(a custos.Actor, have []Approval) error {
	if !slices.Contains(r.Roles, a.Role) {
		return fmt.Errorf("%w: role %q may not approve transfers", ErrApproval, a.Role)
	}
	for _, h := range have {
		if h.Approver.ID == a.ID {
			return fmt.Errorf("%w: the same person cannot approve twice", ErrApproval)
		}
	}
	if len(have) >= r.Required {
		return fmt.Errorf("%w: the plan is already approved", ErrApproval)
	}
	return nil
}

// satisfied reports whether approvals of digest meet the rule: Required
// distinct approvers in approver roles.
func (r ApprovalRule) satisfied(digest []byte, have []Approval) bool {
	people := map[string]bool{}
	for _, a := range have {
		if slices.Contains(r.Roles, a.Approver.Role) && string(a.Digest) == string(digest) {
			people[a.Approver.ID] = true
		}
	}
	return len(people) >= r.Required
}
