package vault

import (
	"fmt"
	"strconv"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/internal/adata"
	"github.com/custos-go/custos/kind"
)

// Labels of the index computations (docs/FORMAT.md).
const (
	indexLabel = "custos.index.v1"
	checkLabel = "custos.index.check.v1"
)

// indexName is the stored name of an index under one key version:
// "<record type>/<index>@<version>".
func indexName(recordType string, ix *index, version int) string {
	return recordType + "/" + ix.name + "@" + strconv.Itoa(version)
}

// searchForm is the text an index hashes for a field's canonical value:
// the canonical text, case-folded for kinds that compare without case.
func searchForm(f *Field, canonical string) string {
	if fk, ok := f.Kind.(kind.Folder); ok {
		return fk.Fold(canonical)
	}
	return canonical
}

// searchInput is what an index covers of a record: the search forms of
// the index's fields in field-name order, each length-prefixed.
func searchInput(t *recordType, ix *index, canonical map[string]string) []byte {
	var in []byte
	for _, n := range ix.fields {
		in = adata.AppendPart(in, searchForm(t.fields[n], canonical[n]))
	}
	return in
}

// indexValue computes one index value: the PRF of
//
//	"custos.index.v1" || part(record type) || part(index name) || search input
//
// truncated to the budget's bits (the unused low bits of the last byte are
// zero).
func (v *Vault) indexValue(k indexKey, t *recordType, ix *index, input []byte) ([]byte, error) {
	out, err := k.prf.ComputePrimaryPRF(append(adata.Build(indexLabel, t.name, ix.name), input...), 32)
	if err != nil {
		return nil, err
	}
	nbytes := (v.budget.Bits + 7) / 8
	out = out[:nbytes]
	if r := v.budget.Bits % 8; r != 0 {
		out[nbytes-1] &= byte(0xff << (8 - r))
	}
	return out, nil
}

// checkAD is the associated data of an index check: it binds the check to
// its record type, index and customer.
func checkAD(t *recordType, ix *index, subject custos.SubjectID) []byte {
	return adata.Build(checkLabel, t.name, ix.name, string(subject))
}

// indexEntries returns the entries of every index of t whose fields are
// all in canonical, under every live key, each with its check encrypted by
// the customer's AEAD, and the names of every index of t under every live
// key (what a full write replaces).
func (v *Vault) indexEntries(live []indexKey, a tink.AEAD, subject custos.SubjectID, t *recordType, canonical map[string]string) (names []string, entries []IndexEntry, err error) {
	for _, ix := range t.indexes {
		complete := true
		for _, f := range ix.fields {
			if _, ok := canonical[f]; !ok {
				complete = false
			}
		}
		var input, check []byte
		if complete {
			input = searchInput(t, ix, canonical)
			if check, err = a.Encrypt(input, checkAD(t, ix, subject)); err != nil {
				return nil, nil, fmt.Errorf("encrypt check: %w", err)
			}
		}
		for _, k := range live {
			name := indexName(t.name, ix, k.version)
			names = append(names, name)
			if !complete {
				continue
			}
			val, err := v.indexValue(k, t, ix, input)
			if err != nil {
				return nil, nil, err
			}
			entries = append(entries, IndexEntry{Index: name, Value: val, Check: check})
		}
	}
	return names, entries, nil
}
