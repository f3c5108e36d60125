package consent

import "fmt"

// Trigger names a processing for which PIPL demands separate consent
// (单独同意): consent given for that one processing alone, never bundled
// with other purposes in one act (rule L7). A purpose lists the triggers
// its processing falls under; the registry refuses a bundled act that
// covers such a purpose ([ErrBundled]).
type Trigger uint8

const (
	triggerNone Trigger = iota
	// TriggerProvision: providing the information to another handler
	// (PIPL Art. 23). The purpose names its recipients.
	TriggerProvision
	// TriggerDisclosure: disclosing the information publicly (PIPL Art. 25).
	TriggerDisclosure
	// TriggerPublicImages: using images or identity data collected in
	// public places for a purpose other than public security (PIPL Art.
	// 26).
	TriggerPublicImages
	// TriggerSensitive: processing sensitive personal information (PIPL
	// Art. 28, 29). Required on a consent-based purpose that touches a
	// field whose Class is Sensitive; the purpose then states necessity and
	// impact (PIPL Art. 30).
	TriggerSensitive
	// TriggerCrossBorder: providing the information to a recipient outside
	// the People's Republic of China (PIPL Art. 39). The purpose names its
	// recipients and their countries.
	TriggerCrossBorder
)

var triggerNames = [...]string{
	triggerNone:         "none",
	TriggerProvision:    "provision",
	TriggerDisclosure:   "disclosure",
	TriggerPublicImages: "public-images",
	TriggerSensitive:    "sensitive",
	TriggerCrossBorder:  "cross-border",
}

var triggerArticles = [...]string{
	triggerNone:         "",
	TriggerProvision:    "PIPL 23",
	TriggerDisclosure:   "PIPL 25",
	TriggerPublicImages: "PIPL 26",
	TriggerSensitive:    "PIPL 29",
	TriggerCrossBorder:  "PIPL 39",
}

// String returns the trigger's stable name.
func (t Trigger) String() string {
	if int(t) < len(triggerNames) {
		return triggerNames[t]
	}
	return fmt.Sprintf("trigger(%d)", uint8(t))
}

// Article returns the PIPL article that demands separate consent, such as
// "PIPL 29".
func (t Trigger) Article() string {
	if int(t) < len(triggerArticles) {
		return triggerArticles[t]
	}
	return ""
}

// Validate reports whether t is one of the declared triggers.
func (t Trigger) Validate() error {
	if t == triggerNone || int(t) >= len(triggerNames) {
		return fmt.Errorf("consent: separate-consent trigger %d is not declared", uint8(t))
	}
	return nil
}

// ParseTrigger returns the trigger whose String is name.
func ParseTrigger(name string) (Trigger, error) {
	for i, n := range triggerNames {
		if i > 0 && n == name {
			return Trigger(i), nil
		}
	}
	return triggerNone, fmt.Errorf("consent: unknown trigger name")
}
