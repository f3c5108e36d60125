package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/custos-go/custos/storage/sqlstore"
)

// A SQLite database is created, migrated and opened in one call; its
// views are what the keys, vault, consent and audit packages take.
func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "custos-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "custos.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	n, err := db.Keys().CountDEKs(ctx)
	fmt.Println(n, err, db.Vault() != nil, db.Consent() != nil, db.Audit() != nil)
	// Output:
	// 0 <nil> true true true
}
