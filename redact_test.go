package custos_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/vault"
)

// The raw values no output may show.
const (
	rawSubject  = "C0000042"
	rawMobile   = "13912345678"
	rawEvidence = "signed-by-13987654321"
	rawGuardian = "guardian-G0000077"
)

// TestPersonalDataIsRedactedInEveryFormat formats every type that holds a
// customer's identifier or personal data with every fmt verb, with
// log/slog's text and JSON handlers and, where its JSON is not a store or
// wire format that needs the raw value, with encoding/json, and checks that
// no raw identifier or value appears.
func TestPersonalDataIsRedactedInEveryFormat(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	acc := custos.Access{Actor: custos.Actor{ID: "staff-001", Role: "clerk"}, Purpose: "lease-servicing"}
	entry := consent.Entry{Seq: 2, Time: at, Action: custos.ActionConsentGrant, State: consent.StateGiven, Actor: acc.Actor,
		Channel: "app", Signal: consent.SignalClick, Notice: "n-1", Evidence: rawEvidence, Guardian: consent.Guardian{ID: rawGuardian, Relation: "parent"}}
	record := consent.Record{Subject: rawSubject, Purpose: "marketing", ID: "0123456789abcdef0123456789abcdef", State: consent.StateGiven, Version: 2}
	cases := []struct {
		name string
		v    any
		// json is true when the type's JSON encoding is redacted; false
		// when it is a store or wire format that carries the raw value.
		json bool
		// noFormatter is true for a type that cannot implement
		// fmt.Formatter (a field is named Format): verbs that do not
		// call String are not checked.
		noFormatter bool
	}{
		// slog's JSON handler resolves LogValue only on the value logged,
		// not on the elements of a slice, which it encodes with
		// encoding/json: log a slice of these types element by element.
		{"custos.SubjectID", custos.SubjectID(rawSubject), false, false},
		{"custos.Event", custos.Event{Time: at, Action: custos.ActionGet, Access: acc, Subject: rawSubject, Fields: []string{"mobile"}}, true, false},
		{"custos.AccessRequest", custos.AccessRequest{Access: acc, Action: custos.ActionGet, Subject: rawSubject, RecordType: "customer"}, false, false},
		{"vault.Stored", vault.Stored{Subject: rawSubject, Type: "customer", Envelope: []byte(rawMobile), Version: 3}, false, false},
		{"*vault.Stored", &vault.Stored{Subject: rawSubject, Type: "customer", Envelope: []byte(rawMobile)}, false, false},
		{"[]vault.Stored", []vault.Stored{{Subject: rawSubject, Type: "customer"}}, false, false},
		{"vault.Write", vault.Write{Subject: rawSubject, Ref: []byte(rawMobile), Type: "customer", Envelope: []byte(rawMobile),
			Index: []vault.IndexEntry{{Index: "customer/mobile@1", Value: []byte{1}, Check: []byte(rawMobile)}}}, false, false},
		{"vault.Subject", vault.Subject{Subject: rawSubject, Ref: []byte(rawMobile), Created: at}, false, false},
		{"vault.IndexCandidate", vault.IndexCandidate{Subject: rawSubject, Check: []byte(rawMobile)}, false, false},
		{"vault.Values", vault.Values{"mobile": rawMobile, "name": "Synthetic Person"}, false, false},
		{"vault.Record", vault.Record{Subject: rawSubject, Type: "customer", Values: map[string]any{"mobile": rawMobile}}, false, false},
		{"vault.Export", vault.Export{Format: vault.ExportFormat, Subject: rawSubject,
			Records: []vault.ExportRecord{{Type: "customer", Fields: map[string]string{"mobile": rawMobile}}}}, false, true},
		{"vault.ExportRecord", vault.ExportRecord{Type: "customer", Fields: map[string]string{"mobile": rawMobile}}, false, false},
		{"vault.RebuildProgress", vault.RebuildProgress{Version: 2, Records: 10, Type: "customer", Checkpoint: rawSubject}, false, false},
		{"vault.ReencryptProgress", vault.ReencryptProgress{Seen: 10, Type: "customer", Checkpoint: rawSubject}, false, false},
		{"vault.Certificate", vault.Certificate{ID: "c1", SubjectRef: "9f86d081884c7d65", Actor: acc.Actor.ID, Ground: "PIPL 47(1)(2)",
			Categories: []vault.Category{{RecordType: "customer", Field: "mobile", Level: "C2"}}, ShreddedAt: at, IssuedAt: at}, true, false},
		{"keys.WrappedDEK", keys.WrappedDEK{Subject: rawSubject, Ref: []byte(rawMobile), KEKID: "kek-1", Keyset: []byte(rawMobile), Version: 1}, false, false},
		{"keys.RewrapProgress", keys.RewrapProgress{Total: 10, Seen: 5, Checkpoint: rawSubject}, false, false},
		{"consent.Record", record, false, false},
		{"consent.Entry", entry, false, false},
		{"consent.Write", consent.Write{Record: record, Entry: entry, Expect: 1}, false, false},
		{"consent.Act", consent.Act{Subject: rawSubject, Purposes: []custos.PurposeID{"marketing"}, Actor: acc.Actor, Channel: "app",
			Signal: consent.SignalClick, Evidence: rawEvidence, Guardian: &consent.Guardian{ID: rawGuardian, Relation: "parent"}}, false, false},
		{"consent.Status", consent.Status{Record: record, State: consent.StateGiven}, false, false},
		{"consent.Guardian", consent.Guardian{ID: rawGuardian, Relation: "parent"}, false, false},
		{"consent.Receipt", consent.Receipt{SchemaVersion: consent.ReceiptSchema, Subject: rawSubject,
			Events: []consent.ReceiptEvent{{Seq: 1, Evidence: rawEvidence, Guardian: &consent.Guardian{ID: rawGuardian}}}}, false, false},
		{"consent.ReceiptEvent", consent.ReceiptEvent{Seq: 1, Type: "consent.grant", Evidence: rawEvidence, Guardian: &consent.Guardian{ID: rawGuardian}}, false, false},
		{"audit.Query", audit.Query{Subject: rawSubject, Actor: "staff-001", Limit: 5}, false, false},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%20v"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := map[string]string{
				"Sprint":   fmt.Sprint(c.v),
				"Sprintln": fmt.Sprintln(c.v),
				"in error": fmt.Errorf("wrapped: %v", c.v).Error(),
			}
			for _, verb := range verbs {
				if c.noFormatter && !strings.ContainsAny(verb, "vsq") {
					continue
				}
				out[verb] = fmt.Sprintf(verb, c.v)
			}
			for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
				"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				"slog JSON": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				if _, slice := c.v.([]vault.Stored); slice && name == "slog JSON" {
					continue // see above
				}
				var buf bytes.Buffer
				slog.New(h(&buf)).Info("oops", "value", c.v)
				require.NotContains(t, buf.String(), "!ERROR", "%s: the value logs", name)
				out[name] = buf.String()
			}
			if c.json {
				b, err := json.Marshal(c.v)
				require.NoError(t, err)
				out["JSON"] = string(b)
			}
			for how, s := range out {
				require.NotEmpty(t, s, how)
				for _, raw := range []string{rawSubject, rawMobile, rawEvidence, rawGuardian} {
					assert.NotContains(t, s, raw, "%s", how)
					assert.NotContains(t, strings.ToLower(s), fmt.Sprintf("%x", raw), "%s: hex", how)
				}
			}
		})
	}
}

// TestStoreEncodingsKeepTheRawValues shows the other side of the
// redaction: the JSON encodings that stores, exports and checkpoints rely
// on still carry the raw values.
func TestStoreEncodingsKeepTheRawValues(t *testing.T) {
	for name, v := range map[string]any{
		"vault.Stored":            vault.Stored{Subject: rawSubject},
		"vault.Export":            vault.Export{Subject: rawSubject},
		"vault.ReencryptProgress": vault.ReencryptProgress{Checkpoint: rawSubject},
		"keys.WrappedDEK":         keys.WrappedDEK{Subject: rawSubject},
		"keys.RewrapProgress":     keys.RewrapProgress{Checkpoint: rawSubject},
		"consent.Record":          consent.Record{Subject: rawSubject},
		"consent.Receipt":         consent.Receipt{Subject: rawSubject},
		"custos.AccessRequest":    custos.AccessRequest{Subject: rawSubject},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			assert.Contains(t, string(b), rawSubject)
		})
	}
	assert.Equal(t, rawSubject, string(custos.SubjectID(rawSubject)), "a conversion gives the raw identifier")
}
