package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/cli"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/retention"
	"github.com/custos-go/custos/rights"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/vault"
)

var rightsOfficer = custos.Access{Actor: custos.Actor{ID: "dpo-01", Role: "dpo"}, Purpose: "data-subject-requests"}

// desk builds the host's rights desk over a command's session, as a host's
// cli.Config.Rights does: a consent registry on the same database, a vault
// authorized by it, retention and the outbox.
func (d *deployment) desk(ctx context.Context, s cli.RightsSession) (*rights.Desk, error) {
	db, err := sqlstore.OpenSQLite(ctx, d.db, nil)
	if err != nil {
		return nil, err
	}
	all := map[string][]string{"customer": {"name", "mobile"}, "lease": {"contract"}}
	text := func(s string) consent.Text { return consent.Text{ZH: s + "（中文）", EN: s} }
	reg, err := consent.New(ctx, consent.Config{
		Purposes: []consent.Purpose{
			{ID: "data-subject-requests", Description: text("Answering requests"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 44-50", Notice: "privacy",
				Actions: []custos.Action{custos.ActionExport, custos.ActionUpdate, custos.ActionRestrict, custos.ActionForget, custos.ActionState, custos.ActionConsentReceipt}, Fields: all},
			{ID: "retention", Description: text("Retention"), Basis: custos.BasisLegalDuty, Law: "PIPL Art. 19", Notice: "privacy",
				Actions: []custos.Action{custos.ActionForget, custos.ActionRestrict, custos.ActionUnrestrict, custos.ActionState}},
		},
		Notices: []consent.Notice{{ID: "privacy", Controller: consent.Party{Name: "Example Leasing", Contact: "privacy@leasing.example"},
			Methods: []string{"collection"}, Retention: text("10 years"), AtExpiry: text("Deleted"), Rights: text("Write to us"),
			Withdrawal: text("Settings"), StorageLocation: "CN", Jurisdiction: "CN", Body: text("How we process")}},
		Fields: schema().Classes(), Store: db.Consent(), Recorder: s.Log, Subjects: forwardSubjects{}, Pseudonyms: s.Keys, Clock: s.Clock,
	})
	if err != nil {
		return nil, err
	}
	eraser, err := rights.NewEraser(rights.EraserConfig{Store: s.Stores.Rights, Recorder: s.Log, Pseudonyms: s.Keys, Clock: s.Clock})
	if err != nil {
		return nil, err
	}
	v, err := vault.New(vault.Config{Schema: schema(), Keys: s.Keys, Store: s.Stores.Vault, Authorizer: reg.Checker(), Recorder: s.Log,
		Search: vault.SearchConfig{ExpectedCustomers: vault.MinCustomers}, Clock: s.Clock, LegalHoldPurposes: []custos.PurposeID{"data-subject-requests"},
		Erasers: []custos.Eraser{reg, eraser}})
	if err != nil {
		return nil, err
	}
	policy := retention.Policy{Rules: []retention.Rule{
		{Name: "aml-identity", RecordType: "customer", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Min: retention.Years(10), Max: retention.Years(10), Expiry: retention.Destroy, Law: "AML Art. 34"},
		{Name: "lease", RecordType: "lease", Start: retention.Start{Event: retention.EventRelationshipEnded},
			Max: retention.Years(3), Expiry: retention.Destroy, Law: "PIPL Art. 19"},
	}}
	ret, err := retention.New(retention.Config{Policy: policy, Schema: schema(), Store: s.Stores.Retention, Vault: v, Recorder: s.Log,
		Actor: custos.Actor{ID: "retention", Role: "retention"}, Purpose: "retention", Clock: s.Clock})
	if err != nil {
		return nil, err
	}
	tpl, err := notify.NewTemplates([]language.Tag{language.SimplifiedChinese, language.English}, append(notify.StandardTemplates(), rights.ExtensionTemplate())...)
	if err != nil {
		return nil, err
	}
	out, err := notify.NewOutbox(notify.OutboxConfig{Store: s.Stores.Notify, Templates: tpl, Recorder: s.Log, Subjects: v, Clock: s.Clock})
	if err != nil {
		return nil, err
	}
	return rights.New(rights.Config{
		Store: s.Stores.Rights, Recorder: s.Log, Regimes: []rights.Regime{rights.GDPR()}, Clock: s.Clock, Schema: schema(),
		Verifier: rights.VerifierFunc(func(_ context.Context, r rights.Request) (rights.Identity, error) {
			return rights.Identity{Method: "branch-id-check", Evidence: "branch:0012/" + r.Key}, nil
		}),
		Vault: v, Consent: reg, Retention: ret, Outbox: out, Pseudonyms: s.Keys,
		Policy: rights.Policy{Controller: consent.Party{Name: "Example Leasing", Contact: "privacy@leasing.example"}, Contact: "https://leasing.example/privacy",
			Complaint: consent.DefaultRemedy(), Source: text("Given by you"), Retention: policy, Channel: "email"},
	})
}

// forwardSubjects answers that every customer is held: the registry of
// these tests records no consent, it only checks the desk's reads.
type forwardSubjects struct{}

func (forwardSubjects) SubjectState(context.Context, custos.SubjectID) (custos.SubjectState, error) {
	return custos.SubjectActive, nil
}

// withRequests submits, through the SDK, a copy request of customer 1
// (verified), one of customer 2 (not verified) and an overdue one of
// customer 3, received two months before.
func (d *deployment) withRequests(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	h := d.open(t, d.kek)
	defer h.close()
	desk, err := d.desk(ctx, cli.RightsSession{Stores: &cli.Stores{Vault: h.db.Vault(), Retention: h.db.Retention(), Notify: h.db.Notify(), Rights: h.db.Rights()},
		Keys: h.keys, Log: h.log, Clock: d.clock.Now})
	require.NoError(t, err)
	ids := map[string]string{}
	for i, key := range []string{"ticket-1", "ticket-2", "ticket-3"} {
		received := d.clock.Now().Add(-time.Hour)
		if key == "ticket-3" {
			received = d.clock.Now().AddDate(0, -2, 0)
		}
		r, err := desk.Submit(ctx, rightsOfficer, rights.Request{Key: key, Kind: rights.Copy, Subject: customer(i + 1),
			Requester: rights.Requester{Kind: rights.Self}, Channel: "branch", Received: received, Regime: "gdpr"})
		require.NoError(t, err)
		ids[key] = r.ID
	}
	_, err = desk.Verify(ctx, rightsOfficer, ids["ticket-1"])
	require.NoError(t, err)
	return ids
}

func TestRightsCommands(t *testing.T) {
	d := newDeployment(t).withCustomers(t, 3)
	ids := d.withRequests(t)
	cfg := d.config()
	cfg.Rights = d.desk

	code, out, errs := run(t, cfg, "rights", "list", "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	assert.Contains(t, lines[0], ids["ticket-3"], "most overdue first")
	assert.Contains(t, lines[0], "OVERDUE")

	code, out, _ = run(t, cfg, "rights", "list", "--overdue", "--db", d.db, "--json")
	require.Equal(t, cli.ExitOK, code)
	var listed struct {
		Requests []struct {
			ID      string `json:"id"`
			Overdue bool   `json:"overdue"`
		} `json:"requests"`
		Count int `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &listed))
	require.Equal(t, 1, listed.Count)
	assert.Equal(t, ids["ticket-3"], listed.Requests[0].ID)
	assert.True(t, listed.Requests[0].Overdue)

	at := d.clock.Now().AddDate(0, 0, 25).Format(time.RFC3339)
	code, out, _ = run(t, cfg, "rights", "list", "--due-soon", "--at", at, "--db", d.db)
	require.Equal(t, cli.ExitOK, code)
	assert.Equal(t, 2, strings.Count(out, "\n"), "the two recent requests fall due within 7 days of day 25: %s", out)

	code, out, errs = run(t, cfg, "rights", "show", ids["ticket-1"], "--db", d.db)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "verified  branch-id-check")
	assert.Contains(t, out, "2  ")

	code, _, _ = run(t, cfg, "rights", "show", "rq-none", "--db", d.db)
	assert.Equal(t, cli.ExitUsage, code)
	code, _, _ = run(t, cfg, "rights", "list", "--overdue", "--due-soon", "--db", d.db)
	assert.Equal(t, cli.ExitUsage, code)

	file := filepath.Join(d.dir, "copy.json")
	before := snapshot(t, d.dir)
	code, _, errs = run(t, cfg, d.flags("rights", "export", ids["ticket-2"], "-o", file)...)
	assert.Equal(t, cli.ExitUsage, code, "not verified: %s", errs)
	assert.Equal(t, before, snapshot(t, d.dir), "nothing changed")
	stock := d.config()
	code, _, errs = run(t, stock, d.flags("rights", "export", ids["ticket-1"], "-o", file)...)
	assert.Equal(t, cli.ExitUsage, code, "the stock binary has no desk: %s", errs)
	assert.Equal(t, before, snapshot(t, d.dir), "nothing changed")

	code, out, errs = run(t, cfg, d.flags("rights", "export", ids["ticket-1"], "-o", file)...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "fulfilled")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc rights.AccessDocument
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, ids["ticket-1"], doc.Request.ID)
	require.NotNil(t, doc.Records)
	assert.Len(t, doc.Records.Records, 2)
	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	code, _, _ = run(t, cfg, d.flags("rights", "export", ids["ticket-1"], "-o", file)...)
	assert.Equal(t, cli.ExitUsage, code, "the file exists: never overwritten")
	again := filepath.Join(d.dir, "again.json")
	code, out, errs = run(t, cfg, d.flags("rights", "export", ids["ticket-1"], "-o", again)...)
	require.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "answered before, nothing written")
	_, err = os.Stat(again)
	assert.True(t, os.IsNotExist(err))
}
