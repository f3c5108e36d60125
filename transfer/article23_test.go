package transfer_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/transfer"
)

func TestArticle23MovesOnlyThoseWhoConsentedByTheDeadline(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, func(pub []byte) transfer.Plan {
		p := salePlan(pub)
		p.ConsentPurpose = provision
		return p
	})
	w.from.consent("c-1", provision) // in time
	var buf bytes.Buffer
	_, err := w.sell.Export(ctx, seller, w.plan.ID, &buf, nil)
	require.ErrorIs(t, err, transfer.ErrNotApproved, "consent requests are still open")
	assert.Zero(t, buf.Len(), "nothing written")

	w.from.now.set(w.plan.ConsentDeadline.Add(time.Hour))
	w.from.consent("c-2", provision) // too late
	w.to.now.set(w.from.now.get())
	bundle, rep := w.export(t)
	assert.Equal(t, int64(1), rep.Moved)
	assert.Equal(t, int64(2), rep.NotConsented)

	got, err := w.buy.Import(ctx, seller, bytes.NewReader(bundle), w.ag, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), got.Customers)
	for s, want := range map[custos.SubjectID]custos.SubjectState{"c-1": custos.SubjectActive, "c-2": custos.SubjectUnknown, "c-3": custos.SubjectUnknown} {
		st, err := w.to.vault.SubjectState(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, want, st, string(s))
	}
}

func TestExclusionsStay(t *testing.T) {
	w := newWorld(t, func(pub []byte) transfer.Plan {
		p := mergerPlan(pub)
		p.Exclusions = []custos.SubjectID{"c-2"}
		return p
	})
	_, rep := w.export(t)
	assert.Equal(t, int64(2), rep.Moved)
	assert.Equal(t, int64(1), rep.Excluded)
}

func TestExportRefusesUnapprovedPlan(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, mergerPlan)
	p := mergerPlan(w.rcpt.public)
	p.ID = "merger-unapproved"
	require.NoError(t, w.sell.Propose(ctx, dpo, p))
	require.NoError(t, w.sell.Approve(ctx, dpo, p.ID))
	var buf bytes.Buffer
	_, err := w.sell.Export(ctx, seller, p.ID, &buf, nil)
	require.ErrorIs(t, err, transfer.ErrNotApproved)
	assert.Zero(t, buf.Len())
}
