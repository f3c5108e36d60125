package memstore_test

import (
	"testing"

	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

func TestTransferConformance(t *testing.T) {
	storetest.RunTransferStore(t, func(*testing.T) storetest.Adapter { return memstore.New() })
}
