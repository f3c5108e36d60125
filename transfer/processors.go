package transfer

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Processor is a processor the seller engaged (entrusted processing, PIPL
// Art. 21) that holds personal information of the customers who move: an
// SMS gateway, a collections agency, a hosting provider. When the transfer
// closes it must return or delete that data and keep no copy (PIPL Art.
// 21; RULES M6, T6).
type Processor struct {
	Party
	// Contract references the entrustment contract, such as a contract
	// number.
	Contract string `json:"contract"`
	// Holds names the record types (or other categories, in the notice's
	// words) the processor holds.
	Holds []string `json:"holds"`
}

// Disposition is what a processor did with the data at the end of the
// transfer (PIPL Art. 21).
type Disposition string

const (
	// Returned: the processor handed the data back and keeps no copy.
	Returned Disposition = "returned"
	// Deleted: the processor deleted the data and keeps no copy.
	Deleted Disposition = "deleted"
)

// ProcessorDone is a processor's confirmation that it returned or deleted
// the data of the moved customers (PIPL Art. 21; RULES M6).
type ProcessorDone struct {
	// Processor is the processor's name as the plan gives it.
	Processor string `json:"processor"`
	// Disposition is Returned or Deleted.
	Disposition Disposition `json:"disposition"`
	// Evidence references the processor's confirmation: a deletion
	// certificate number, a signed letter's reference. No personal data.
	Evidence string `json:"evidence"`
	// At is when the processor returned or deleted the data.
	At time.Time `json:"at"`
}

// maxProcessors bounds a plan's processor list.
const maxProcessors = 1000

// validateProcessors checks a plan's processors: each named, reachable,
// located, under a referenced contract, holding something, each once.
func validateProcessors(ps []Processor) error {
	if len(ps) > maxProcessors {
		return fmt.Errorf("more than %d processors", maxProcessors)
	}
	seen := map[string]bool{}
	for i, p := range ps {
		if err := p.Party.validate(fmt.Sprintf("processor %d", i)); err != nil {
			return err
		}
		switch {
		case strings.TrimSpace(p.Contract) == "":
			return fmt.Errorf("processor %d names no entrustment contract (PIPL Art. 21)", i)
		case len(p.Holds) == 0:
			return fmt.Errorf("processor %d holds nothing: name what it holds", i)
		case seen[p.Name]:
			return fmt.Errorf("processor %d is given twice", i)
		}
		if err := distinct(p.Holds); err != nil {
			return fmt.Errorf("processor %d holds: %v", i, err)
		}
		seen[p.Name] = true
	}
	return nil
}

// checkProcessorsDone checks that every processor the plan names confirmed
// that it returned or deleted the data, once, and that no confirmation
// names a processor the plan does not: ErrProcessors otherwise, naming the
// processor by its position in the plan (or the confirmation by its
// position).
func checkProcessorsDone(ps []Processor, done []ProcessorDone) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrProcessors}, args...)...)
	}
	got := map[string]bool{}
	for i, d := range done {
		switch {
		case !slices.ContainsFunc(ps, func(p Processor) bool { return p.Name == d.Processor }):
			return bad("confirmation %d names a processor the plan does not engage", i)
		case got[d.Processor]:
			return bad("confirmation %d repeats a processor", i)
		case d.Disposition != Returned && d.Disposition != Deleted:
			return bad("confirmation %d: the disposition must be %q or %q", i, Returned, Deleted)
		case strings.TrimSpace(d.Evidence) == "":
			return bad("confirmation %d references no evidence", i)
		case d.At.IsZero():
			return bad("confirmation %d has no time", i)
		}
		got[d.Processor] = true
	}
	for i, p := range ps {
		if !got[p.Name] {
			return bad("processor %d has not confirmed that it returned or deleted the data (PIPL Art. 21)", i)
		}
	}
	return nil
}
