package memstore

import (
	"context"

	"github.com/custos-go/custos/keys"
)

type ledger Store

var _ keys.Ledger = (*ledger)(nil)

func (l *ledger) AppendShred(_ context.Context, e keys.ShredEntry) error {
	s := (*Store)(l)
	unlock, err := s.write()
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := s.shreds[string(e.Ref)]; ok {
		return nil
	}
	s.shreds[string(e.Ref)] = e
	s.shredKeys.add(string(e.Ref))
	return nil
}

func (l *ledger) IsShredded(_ context.Context, ref []byte) (bool, error) {
	s := (*Store)(l)
	unlock, err := s.read()
	if err != nil {
		return false, err
	}
	defer unlock()
	_, ok := s.shreds[string(ref)]
	return ok, nil
}

func (l *ledger) FindShredded(_ context.Context, refs [][]byte) ([][]byte, error) {
	s := (*Store)(l)
	unlock, err := s.read()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out [][]byte
	for _, ref := range refs {
		if _, ok := s.shreds[string(ref)]; ok {
			out = append(out, ref)
		}
	}
	return out, nil
}

func (l *ledger) ScanShreds(_ context.Context, after []byte, limit int) ([]keys.ShredEntry, error) {
	s := (*Store)(l)
	unlock, err := s.write() // a scan may sort
	if err != nil {
		return nil, err
	}
	defer unlock()
	refs := s.shredKeys.after(string(after), limit)
	out := make([]keys.ShredEntry, len(refs))
	for i, r := range refs {
		out[i] = s.shreds[r]
	}
	return out, nil
}
