package consent

import "fmt"

// Signal is how the person expressed an answer. Consent must be informed,
// voluntary and explicit: a clear affirmative act (PIPL Art. 14; GDPR Art.
// 4(11), 7 and Recital 32). Grant and Renew accept only signals whose
// Explicit method reports true; silence, inactivity and a pre-ticked box
// are named here so that a host that records them cannot mistake them for
// consent (rule L2).
type Signal uint8

const (
	// SignalNone is the zero value: no signal was recorded. Never consent.
	SignalNone Signal = iota
	// SignalClick: the person ticked an unticked box or pressed a button
	// that says what it does.
	SignalClick
	// SignalSignature: the person signed, on paper or electronically.
	SignalSignature
	// SignalVoice: the person said so, and the statement was recorded.
	SignalVoice
	// SignalMessage: the person replied by message (SMS, e-mail, chat).
	SignalMessage
	// SignalPreTicked: a box ticked in advance was left as it was. Not
	// consent (GDPR Recital 32; PIPL Art. 14).
	SignalPreTicked
	// SignalSilence: the person did not react. Not consent.
	SignalSilence
)

var signalNames = [...]string{
	SignalNone:      "none",
	SignalClick:     "click",
	SignalSignature: "signature",
	SignalVoice:     "voice",
	SignalMessage:   "message",
	SignalPreTicked: "pre-ticked",
	SignalSilence:   "silence",
}

// String returns the signal's stable name, as stored and written in
// receipts.
func (s Signal) String() string {
	if int(s) < len(signalNames) {
		return signalNames[s]
	}
	return fmt.Sprintf("signal(%d)", uint8(s))
}

// Explicit reports whether the signal is a clear affirmative act that can
// carry consent.
func (s Signal) Explicit() bool {
	switch s {
	case SignalClick, SignalSignature, SignalVoice, SignalMessage:
		return true
	}
	return false
}

// ParseSignal returns the signal whose String is name.
func ParseSignal(name string) (Signal, error) {
	for i, n := range signalNames {
		if n == name {
			return Signal(i), nil
		}
	}
	return SignalNone, fmt.Errorf("consent: unknown signal name")
}
