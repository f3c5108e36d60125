package keys_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/custos-go/custos/keys"
	"github.com/custos-go/custos/keys/insecuredevkek"
	"github.com/custos-go/custos/storage/memstore"
)

// A customer's DEK is created on first write, cached for reads, and
// destroyed by Shred, after which nothing of the customer decrypts.
func Example() {
	ctx := context.Background()
	kek, err := insecuredevkek.New() // in production: a KMS client's AEAD
	if err != nil {
		log.Fatal(err)
	}
	db, ledger := memstore.New(), memstore.New() // keep the ledger apart from backups
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger()})
	if err != nil {
		log.Fatal(err)
	}

	dek, err := kr.ForWrite(ctx, "C0000042")
	if err != nil {
		log.Fatal(err)
	}
	ct, _ := dek.Encrypt([]byte("13800000000"), []byte("where it belongs"))
	for range 1000 {
		if _, err := kr.AEAD(ctx, "C0000042"); err != nil {
			log.Fatal(err)
		}
	}
	st := kr.Stats()
	fmt.Println("cache hits:", st.Hits, "KEK calls:", st.KEKCalls) // creating the reference key, wrapping the DEK

	if _, err := kr.Shred(ctx, "C0000042"); err != nil {
		log.Fatal(err)
	}
	_, err = kr.AEAD(ctx, "C0000042")
	fmt.Println(errors.Is(err, keys.ErrShredded), len(ct) > 0)
	// Output:
	// cache hits: 1000 KEK calls: 2
	// true true
}
