package transfer

import (
	"time"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
)

// ConsentRecord is one consent record as it travels: the head and its full
// history, on the seller's purpose (RULES M5; GDPR Art. 7(1)).
type ConsentRecord struct {
	Purpose custos.PurposeID `json:"purpose"`
	ID      string           `json:"id"`
	State   consent.State    `json:"state"`
	// Notice and Language are of the latest act that named a notice;
	// Generation is the seller's notice generation of the live consent.
	Notice     string          `json:"notice,omitempty"`
	Language   string          `json:"language,omitempty"`
	Generation string          `json:"generation,omitempty"`
	Minor      bool            `json:"minor,omitempty"`
	Given      time.Time       `json:"given,omitzero"`
	Expires    time.Time       `json:"expires,omitzero"`
	Refused    time.Time       `json:"refused,omitzero"`
	Created    time.Time       `json:"created"`
	Updated    time.Time       `json:"updated"`
	History    []consent.Entry `json:"history"`
	// Live is true when the consent permitted processing at the seller
	// when it left.
	Live bool `json:"live"`
}

func carriedToWire(c consent.Carried) ConsentRecord {
	r := c.Record
	return ConsentRecord{
		Purpose: r.Purpose, ID: r.ID, State: r.State, Notice: r.Notice, Language: r.Language, Generation: r.Generation,
		Minor: r.Minor, Given: r.Given, Expires: r.Expires, Refused: r.Refused, Created: r.Created, Updated: r.Updated,
		History: c.History, Live: c.Live,
	}
}

func wireToCarried(w ConsentRecord) consent.Carried {
	return consent.Carried{
		Record: consent.Record{
			Purpose: w.Purpose, ID: w.ID, State: w.State, Notice: w.Notice, Language: w.Language, Generation: w.Generation,
			Minor: w.Minor, Given: w.Given, Expires: w.Expires, Refused: w.Refused, Version: int64(len(w.History)),
			Created: w.Created, Updated: w.Updated,
		},
		History: w.History, Live: w.Live,
	}
}
