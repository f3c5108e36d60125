package keys_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/custos-go/custos"
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

// With erasure epochs, a shred names its deadline, and closing the epoch
// destroys the only key that could open copies of the forgotten DEK.
func ExampleKeyring_CloseDueEpochs() {
	ctx := context.Background()
	kek, err := insecuredevkek.New()
	if err != nil {
		log.Fatal(err)
	}
	src := insecuredevkek.NewSource() // in production: a KMS adapter
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db, ledger := memstore.New(), memstore.New()
	kr, err := keys.New(ctx, keys.Config{KEK: kek, Store: db.Keys(), Ledger: ledger.Ledger(),
		Clock: func() time.Time { return now }, Epochs: &keys.EpochConfig{Source: src, Groups: 1}})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []custos.SubjectID{"C0000042", "C0000043"} {
		if _, err := kr.ForWrite(ctx, s); err != nil {
			log.Fatal(err)
		}
	}
	sh, err := kr.Shred(ctx, "C0000042")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("complete by:", sh.CompleteBy.Format(time.RFC3339))

	now = now.Add(24 * time.Hour) // a ticker calls this; RunEpochs does it for you
	rep, err := kr.CloseDueEpochs(ctx)
	if err != nil {
		log.Fatal(err)
	}
	done, _ := kr.ErasureComplete(ctx, sh.Group, sh.Epoch)
	fmt.Println("closed:", rep.Closed, "rewrapped:", rep.Rewrapped, "destroyed:", rep.Destroyed, "complete:", done)
	// Output:
	// complete by: 2026-03-02T10:00:00Z
	// closed: 1 rewrapped: 1 destroyed: [custos-epoch-g1-e1] complete: true
}
