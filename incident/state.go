package incident

// State is an incident's phase in the NIST SP 800-61r3 / CSF 2.0 incident
// response lifecycle (rule I5): detect (DE), analyse, contain, eradicate,
// recover (RS, RC), and lessons learned at closing (ID.IM).
type State uint8

const (
	StateDetected State = iota + 1
	StateAnalysing
	StateContained
	StateEradicated
	StateRecovered
	// StateClosed is final: lessons learned are recorded and every
	// obligation is met, delayed with reasons, or exempt.
	StateClosed
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case StateDetected:
		return "detected"
	case StateAnalysing:
		return "analysing"
	case StateContained:
		return "contained"
	case StateEradicated:
		return "eradicated"
	case StateRecovered:
		return "recovered"
	case StateClosed:
		return "closed"
	}
	return "unknown"
}

func (s State) valid() bool { return s >= StateDetected && s <= StateClosed }
