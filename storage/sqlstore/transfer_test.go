package sqlstore_test

import (
	"testing"

	"github.com/custos-go/custos/storage/storetest"
)

func TestTransferConformanceSQLite(t *testing.T) {
	storetest.RunTransferStore(t, func(t *testing.T) storetest.Adapter { return openSQLite(t) })
}

func TestTransferConformancePostgres(t *testing.T) {
	postgresDSN(t)
	storetest.RunTransferStore(t, func(t *testing.T) storetest.Adapter { return openPostgres(t) })
}
