package audit_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/audit"
)

func sampleEntry() audit.Entry {
	return audit.Entry{
		Index: 42, Time: t0.Add(123456 * time.Microsecond), Action: custos.ActionGet,
		Actor: custos.Actor{ID: "clerk-1", Role: "clerk"}, Purpose: "servicing", RequestID: "req-9",
		Basis: custos.BasisContract, Period: "2026-03", Ref: bytes.Repeat([]byte{7}, audit.RefSize),
		RecordType: "customer", Fields: []string{"mobile", "name"}, Outcome: custos.OutcomeAllowed,
	}
}

func TestEntryRoundTrip(t *testing.T) {
	cases := map[string]func(*audit.Entry){
		"full":       func(*audit.Entry) {},
		"no subject": func(e *audit.Entry) { e.Period, e.Ref = "", nil },
		"no fields":  func(e *audit.Entry) { e.Fields = nil },
		"denied": func(e *audit.Entry) {
			e.Outcome, e.Reason, e.Basis = custos.OutcomeDenied, "purpose-not-allowed", custos.BasisUnknown
		},
		"unicode actor":                   func(e *audit.Entry) { e.Actor.ID = "职员-7" },
		"epoch":                           func(e *audit.Entry) { e.Time = time.Unix(0, 0).UTC() },
		"credential (version 2)":          func(e *audit.Entry) { e.Credential = "key-7f3a" },
		"instance (version 2)":            func(e *audit.Entry) { e.Instance = "api-2" },
		"credential and instance, no ref": func(e *audit.Entry) { e.Credential, e.Instance, e.Period, e.Ref = "key-7f3a", "api-2", "", nil },
		"max fields": func(e *audit.Entry) {
			e.Fields = make([]string, audit.MaxFields)
			for i := range e.Fields {
				e.Fields[i] = strings.Repeat("f", audit.MaxTextBytes)
			}
		},
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			e := sampleEntry()
			mod(&e)
			b, err := e.Encode()
			require.NoError(t, err)
			version := byte(audit.EntryVersion)
			if e.Credential != "" || e.Instance != "" {
				version = audit.EntryVersionVia
			}
			assert.Equal(t, version, b[0], "format version first: the lowest that holds the entry")
			assert.LessOrEqual(t, len(b), audit.MaxEntryBytes, "fits an entry bundle")
			got, err := audit.ParseEntry(b)
			require.NoError(t, err)
			assert.Equal(t, e, got)
			again, err := got.Encode()
			require.NoError(t, err)
			assert.Equal(t, b, again, "one entry, one encoding")
		})
	}
}

func TestEntryEncodeRefusesBadEntries(t *testing.T) {
	cases := map[string]func(*audit.Entry){
		"no action":             func(e *audit.Entry) { e.Action = "" },
		"unknown outcome":       func(e *audit.Entry) { e.Outcome = 0 },
		"outcome out of list":   func(e *audit.Entry) { e.Outcome = 9 },
		"unknown basis":         func(e *audit.Entry) { e.Basis = 99 },
		"local time":            func(e *audit.Entry) { e.Time = e.Time.In(time.FixedZone("CST", 8*3600)) },
		"nanoseconds":           func(e *audit.Entry) { e.Time = e.Time.Add(1) },
		"long actor":            func(e *audit.Entry) { e.Actor.ID = strings.Repeat("a", audit.MaxTextBytes+1) },
		"control in reason":     func(e *audit.Entry) { e.Reason = "bad\nreason" },
		"invalid utf-8":         func(e *audit.Entry) { e.Purpose = "\xff" },
		"short reference":       func(e *audit.Entry) { e.Ref = []byte{1, 2, 3} },
		"reference no period":   func(e *audit.Entry) { e.Period = "" },
		"period no reference":   func(e *audit.Entry) { e.Ref = nil },
		"bad period":            func(e *audit.Entry) { e.Period = "2026/03" },
		"empty field":           func(e *audit.Entry) { e.Fields = []string{"name", ""} },
		"too many fields":       func(e *audit.Entry) { e.Fields = make([]string, audit.MaxFields+1) },
		"control in credential": func(e *audit.Entry) { e.Credential = "key\x00" },
		"long instance":         func(e *audit.Entry) { e.Instance = strings.Repeat("i", audit.MaxTextBytes+1) },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			e := sampleEntry()
			mod(&e)
			b, err := e.Encode()
			require.ErrorIs(t, err, audit.ErrInvalidEvent)
			assert.Nil(t, b)
			assert.NotContains(t, err.Error(), "clerk-1", "errors name the part, not its content")
		})
	}
}

func TestParseEntryRefusesBadBytes(t *testing.T) {
	good, err := sampleEntry().Encode()
	require.NoError(t, err)
	cases := map[string][]byte{
		"empty":                      {},
		"header only":                good[:19],
		"truncated":                  good[:len(good)-1],
		"trailing byte":              append(bytes.Clone(good), 0),
		"other version":              append([]byte{3}, good[1:]...),
		"version 1 bytes labelled 2": append([]byte{audit.EntryVersionVia}, good[1:]...),
		// sampleEntry's fields ("mobile", "name") are its last 16 bytes.
		"version 2 naming neither credential nor instance": slices.Concat([]byte{audit.EntryVersionVia}, good[1:len(good)-16], []byte{0, 0, 0, 0}, good[len(good)-16:]),
		"bad outcome":    func() []byte { b := bytes.Clone(good); b[17] = 0; return b }(),
		"length too big": func() []byte { b := bytes.Clone(good); b[19], b[20] = 0xff, 0xff; return b }(),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := audit.ParseEntry(b)
			assert.ErrorIs(t, err, audit.ErrMalformed)
		})
	}
}

func TestTilePaths(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{audit.TilePath(0, 0, 256), "tile/0/000"},
		{audit.TilePath(0, 1234067, 256), "tile/0/x001/x234/067"},
		{audit.TilePath(1, 1000, 17), "tile/1/x001/000.p/17"},
		{audit.TilePath(2, 0, 1), "tile/2/000.p/1"},
		{audit.EntriesPath(273, 112), "tile/entries/273.p/112"},
		{audit.EntriesPath(5, 256), "tile/entries/005"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.got)
	}
}

func TestReadBundle(t *testing.T) {
	entries, err := audit.ReadBundle([]byte{0, 2, 'a', 'b', 0, 0, 0, 1, 'c'})
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("ab"), {}, []byte("c")}, entries)
	for _, bad := range [][]byte{{0}, {0, 3, 'a'}, {0, 1, 'a', 0}} {
		_, err := audit.ReadBundle(bad)
		assert.ErrorIs(t, err, audit.ErrMalformed)
	}
}
