// Package vaultdir is the notify.Directory over a custos vault: it reads a
// customer's address and preferred language at send time through the
// vault's purpose-bound, audited Get, under the message's sender access
// (PIPL Art. 13(3) for a legal duty to notify), so that no address is kept
// outside the vault.
package vaultdir

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
)

// Config names where the vault keeps addresses.
type Config struct {
	Vault *vault.Vault
	// RecordType is the record holding the contact fields.
	RecordType string
	// Fields names the field holding the address of each channel.
	Fields map[notify.Channel]string
	// LanguageField names the field holding the preferred language; ""
	// for none.
	LanguageField string
}

// Directory reads addresses from the vault. Build it with New.
type Directory struct{ cfg Config }

var _ notify.Directory = (*Directory)(nil)

// New validates cfg and returns a Directory.
func New(cfg Config) (*Directory, error) {
	if cfg.Vault == nil || cfg.RecordType == "" || len(cfg.Fields) == 0 {
		return nil, fmt.Errorf("%w: Vault, RecordType and Fields are required", notify.ErrConfig)
	}
	return &Directory{cfg: cfg}, nil
}

// Contact reads the channel's address field and the language field in one
// audited vault read. A forgotten customer gives notify.ErrForgotten, a
// missing record or field notify.ErrNoAddress, a refused, restricted or
// masked read a permanent failure ("denied", "restricted", "masked").
func (d *Directory) Contact(ctx context.Context, acc custos.Access, subject custos.SubjectID, ch notify.Channel) (notify.Contact, error) {
	field, ok := d.cfg.Fields[ch]
	if !ok {
		return notify.Contact{}, notify.ErrNoAddress
	}
	fields := []string{field}
	if d.cfg.LanguageField != "" {
		fields = append(fields, d.cfg.LanguageField)
	}
	rec, err := d.cfg.Vault.Get(ctx, acc, subject, d.cfg.RecordType, fields...)
	switch {
	case errors.Is(err, vault.ErrForgotten):
		return notify.Contact{}, notify.ErrForgotten
	case errors.Is(err, vault.ErrNotFound):
		return notify.Contact{}, notify.ErrNoAddress
	case errors.Is(err, vault.ErrRestricted):
		return notify.Contact{}, notify.Permanent("restricted", nil)
	case errors.Is(err, vault.ErrDenied):
		return notify.Contact{}, notify.Permanent("denied", nil)
	case err != nil:
		return notify.Contact{}, err
	}
	if slices.Contains(rec.Masked, field) || slices.Contains(rec.Hidden, field) {
		return notify.Contact{}, notify.Permanent("masked", nil)
	}
	addr, _ := rec.Values[field].(string)
	if addr == "" {
		return notify.Contact{}, notify.ErrNoAddress
	}
	lang, _ := rec.Values[d.cfg.LanguageField].(string)
	return notify.Contact{Address: notify.Address(addr), Language: lang}, nil
}
