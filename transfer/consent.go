package transfer

import (
	"fmt"
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// ConsentRecord is one consent record as it travels: the head and its full
// history, on the seller's purpose (RULES M5; GDPR Art. 7(1)).
type ConsentRecord struct {
	Purpose custos.PurposeID `json:"purpose"`
	ID      string           `json:"id"`
	// State is the DPV state name ("given", "withdrawn", ...).
	State string `json:"state"`
	// Notice and Language are of the latest act that named a notice;
	// Generation is the seller's notice generation of the live consent.
	Notice     string         `json:"notice,omitempty"`
	Language   string         `json:"language,omitempty"`
	Generation string         `json:"generation,omitempty"`
	Minor      bool           `json:"minor,omitempty"`
	Given      time.Time      `json:"given,omitzero"`
	Expires    time.Time      `json:"expires,omitzero"`
	Refused    time.Time      `json:"refused,omitzero"`
	Created    time.Time      `json:"created"`
	Updated    time.Time      `json:"updated"`
	History    []ConsentEntry `json:"history"`
	// Live is true when the consent permitted processing at the seller
	// when it left.
	Live bool `json:"live"`
}

// ConsentEntry is one act of a consent record's history as it travels
// (consent.Entry with its state and signal by name).
type ConsentEntry struct {
	Seq       int64            `json:"seq"`
	Time      time.Time        `json:"time"`
	Action    custos.Action    `json:"action"`
	State     string           `json:"state"`
	Actor     custos.Actor     `json:"actor"`
	Channel   string           `json:"channel,omitempty"`
	Signal    string           `json:"signal"`
	Notice    string           `json:"notice,omitempty"`
	Language  string           `json:"language,omitempty"`
	Evidence  string           `json:"evidence,omitempty"`
	Guardian  consent.Guardian `json:"guardian,omitzero"`
	Reason    string           `json:"reason,omitempty"`
	RequestID string           `json:"request_id,omitempty"`
}

func carriedToWire(c consent.Carried) ConsentRecord {
	r := c.Record
	w := ConsentRecord{
		Purpose: r.Purpose, ID: r.ID, State: r.State.String(), Notice: r.Notice, Language: r.Language, Generation: r.Generation,
		Minor: r.Minor, Given: r.Given, Expires: r.Expires, Refused: r.Refused, Created: r.Created, Updated: r.Updated,
		History: make([]ConsentEntry, len(c.History)), Live: c.Live,
	}
	for i, e := range c.History {
		w.History[i] = ConsentEntry{
			Seq: e.Seq, Time: e.Time, Action: e.Action, State: e.State.String(), Actor: e.Actor, Channel: e.Channel,
			Signal: e.Signal.String(), Notice: e.Notice, Language: e.Language, Evidence: e.Evidence, Guardian: e.Guardian,
			Reason: e.Reason, RequestID: e.RequestID,
		}
	}
	return w
}

func wireToCarried(w ConsentRecord) (consent.Carried, error) {
	st, err := consent.ParseState(w.State)
	if err != nil {
		return consent.Carried{}, fmt.Errorf("%w: consent record state", ErrBundle)
	}
	c := consent.Carried{
		Record: consent.Record{
			Purpose: w.Purpose, ID: w.ID, State: st, Notice: w.Notice, Language: w.Language, Generation: w.Generation,
			Minor: w.Minor, Given: w.Given, Expires: w.Expires, Refused: w.Refused, Version: int64(len(w.History)),
			Created: w.Created, Updated: w.Updated,
		},
		History: make([]consent.Entry, len(w.History)), Live: w.Live,
	}
	for i, e := range w.History {
		est, err1 := consent.ParseState(e.State)
		sig, err2 := consent.ParseSignal(e.Signal)
		if err1 != nil || err2 != nil {
			return consent.Carried{}, fmt.Errorf("%w: consent history entry %d", ErrBundle, i)
		}
		c.History[i] = consent.Entry{
			Seq: e.Seq, Time: e.Time, Action: e.Action, State: est, Actor: e.Actor, Channel: e.Channel, Signal: sig,
			Notice: e.Notice, Language: e.Language, Evidence: e.Evidence, Guardian: e.Guardian, Reason: e.Reason, RequestID: e.RequestID,
		}
	}
	return c, nil
}
