package transfer_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/transfer"
	"github.com/custos-go/custos/vault"
)

func TestNotifyEveryCustomerOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan) // newWorld notified once already
	rep, err := w.sell.Notify(ctx, seller, w.plan.ID, notify.ChannelEmail)
	require.NoError(t, err)
	assert.Equal(t, int64(3), rep.Enqueued)
	st, err := w.from.outbox.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, st.ByState[notify.StatePending], "a rerun enqueues nothing twice")

	m, err := w.from.outbox.Get(ctx, notify.MessageID("transfer-merger-2026/c-1"))
	require.NoError(t, err)
	assert.Equal(t, notify.TransferNotice, m.Template, "PIPL Art. 22 notice")
	assert.Equal(t, notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2027-02-02"}, m.Params)

	d, err := w.sell.Delivery(ctx, seller, w.plan.ID)
	require.NoError(t, err)
	assert.Equal(t, map[notify.State]int64{notify.StatePending: 3}, d.ByState)
}

func TestNotifyArticle23AsksForConsent(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, func(pub []byte) transfer.Plan {
		p := salePlan(pub)
		p.ConsentPurpose = provision
		return p
	})
	m, err := w.from.outbox.Get(ctx, notify.MessageID("transfer-sale-2026/c-2"))
	require.NoError(t, err)
	assert.Equal(t, notify.TransferConsent, m.Template)
	assert.Equal(t, "2027-01-03", m.Params["reply_by"])
}

func TestNobodyMovesUnnotified(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan)
	// A customer who arrives after the notices went out.
	require.NoError(t, w.from.vault.Put(ctx, teller, "c-4", "customer", vault.Values{"name": "Synthetic Person D", "mobile": "13800000004"}))
	_, rep := w.export(t)
	assert.Equal(t, int64(3), rep.Moved)
	assert.Equal(t, int64(1), rep.NotNotified)
}
