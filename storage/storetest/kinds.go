package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/vault"
)

// testEveryKind stores a value of every kind typed the untidy way staff
// and customers type them, and checks what each role reads back, that
// search finds equivalent spellings, and that exports hold canonical text.
func testEveryKind(t *testing.T, open Opener) {
	ctx := context.Background()
	f := newFixture(t, open)
	require.NoError(t, f.vault.Put(ctx, clerk, "C1", "profile", vault.Values{
		"card":     "４０００ 0000-0000 0002",
		"employer": "91110108ma01abcd1e",
		"email":    "Jane.Doe@Example.COM",
		"address":  "北京市朝阳区　建国路  1号",
		"income":   "CNY 125,000.00",
		"since":    "2020/01/02",
	}))

	r, err := f.vault.Get(ctx, clerk, "C1", "profile", "address", "card", "email", "employer", "income", "since")
	require.NoError(t, err)
	income, err := kind.ParseAmount("125000.00 CNY")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"card":     "4000000000000002",
		"employer": "91110108MA01ABCD1E",
		"email":    "Jane.Doe@example.com",
		"address":  "北京市朝阳区 建国路 1号",
		"income":   income,
		"since":    time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC),
	}, r.Values, "canonical values, as their kinds' Go types")
	assert.Empty(t, r.Masked)

	agent := custos.Access{Actor: custos.Actor{ID: "agent-1", Role: "customer-service"}, Purpose: servicing}
	m, err := f.vault.Get(ctx, agent, "C1", "profile", "address", "card", "email", "employer", "income", "since")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"card":     "400000******0002",
		"employer": "91110108********1E",
		"email":    "J***@example.com",
		"address":  "北京市朝阳区****",
		"income":   "***.** CNY",
		"since":    "2020-**-**",
	}, m.Values, "each kind's default mask")
	assert.Equal(t, []string{"address", "card", "email", "employer", "income", "since"}, m.Masked)

	for _, q := range []vault.Values{
		{"email": "Jane.Doe@EXAMPLE.com"},
		{"email": "Ｊａｎｅ.Doe@example.com"},
		{"card": "4000000000000002"},
		{"card": "4000 0000 0000 0002"},
	} {
		rs, err := f.vault.Find(ctx, clerk, "profile", q, "email")
		require.NoError(t, err)
		assert.Equal(t, []custos.SubjectID{"C1"}, subjects(rs))
	}
	rs, err := f.vault.Find(ctx, clerk, "profile", vault.Values{"email": "jane.doe@example.com"}, "email")
	require.NoError(t, err)
	assert.Empty(t, rs, "the local part of an address is case-sensitive (RFC 5321)")

	var buf bytes.Buffer
	require.NoError(t, f.vault.Export(ctx, clerk, "C1", &buf))
	var doc vault.Export
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Records, 1)
	assert.Equal(t, "125000.00 CNY", doc.Records[0].Fields["income"])
	assert.Equal(t, "2020-01-02", doc.Records[0].Fields["since"])
}
