package memstore_test

import (
	"testing"

	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Adapter { return memstore.New() })
}
