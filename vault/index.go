package vault

import (
	"strconv"

	"github.com/custos-go/custos/internal/adata"
	"github.com/custos-go/custos/kind"
)

// indexLabel opens the PRF input of every index value.
const indexLabel = "custos.index.v1"

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

// indexValue computes one index value: the PRF of
//
//	"custos.index.v1" || part(record type) || part(index name) || part(v1) || ... || part(vn)
//
// over the search forms of the index's fields in field-name order,
// truncated to the budget's bits (the unused low bits of the last byte are
// zero).
func (v *Vault) indexValue(k indexKey, t *recordType, ix *index, canonical map[string]string) ([]byte, error) {
	in := adata.Build(indexLabel, t.name, ix.name)
	for _, n := range ix.fields {
		in = adata.AppendPart(in, searchForm(t.fields[n], canonical[n]))
	}
	out, err := k.prf.ComputePrimaryPRF(in, 32)
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

// indexEntries returns the entries of every index of t whose fields are
// all in canonical, under every live key, and the names of every index of t
// under every live key (what a full write replaces).
func (v *Vault) indexEntries(live []indexKey, t *recordType, canonical map[string]string) (names []string, entries []IndexEntry, err error) {
	for _, ix := range t.indexes {
		complete := true
		for _, f := range ix.fields {
			if _, ok := canonical[f]; !ok {
				complete = false
			}
		}
		for _, k := range live {
			name := indexName(t.name, ix, k.version)
			names = append(names, name)
			if !complete {
				continue
			}
			val, err := v.indexValue(k, t, ix, canonical)
			if err != nil {
				return nil, nil, err
			}
			entries = append(entries, IndexEntry{Index: name, Value: val})
		}
	}
	return names, entries, nil
}
