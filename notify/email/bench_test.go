package email_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/notify/email/emailtest"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/sqlstore"
)

type discard struct{}

func (discard) Record(context.Context, custos.Event) error { return nil }

// BenchmarkDispatchSMTP: messages per second through the Dispatcher with
// 8 workers to the in-process SMTP server over STARTTLS (one connection
// and TLS handshake per message, as the adapter sends), with the outbox in
// memory and in SQLite, beside the baseline of 8 goroutines sending the
// same rendered message with the adapter alone: the ratio is what the
// outbox, the claims, the rendering and the delivery records cost.
func BenchmarkDispatchSMTP(b *testing.B) {
	ctx := context.Background()
	srv, err := emailtest.Start(emailtest.StartTLS)
	require.NoError(b, err)
	defer srv.Close()
	n := notifier(b, srv, nil)
	dir := notify.DirectoryFunc(func(context.Context, custos.Access, custos.SubjectID, notify.Channel) (notify.Contact, error) {
		return notify.Contact{Address: "customer@mail.example", Language: "zh-CN"}, nil
	})
	sender := custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: "transfer-notice"}
	params := notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}
	stores := []struct {
		name  string
		store func(b *testing.B) notify.Store
	}{
		{"dispatcher-memstore", func(*testing.B) notify.Store { return memstore.New().Notify() }},
		{"dispatcher-sqlite", func(b *testing.B) notify.Store {
			db, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
			require.NoError(b, err)
			b.Cleanup(func() { db.Close() })
			return db.Notify()
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: st.store(b), Recorder: discard{}, Subjects: held{}})
			require.NoError(b, err)
			disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: outbox, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: n},
				Directory: dir, Owner: "bench", Workers: 8, Batch: 64})
			require.NoError(b, err)
			for i := range b.N {
				_, err := outbox.Enqueue(ctx, notify.Message{To: notify.Customer(custos.SubjectID(fmt.Sprintf("C%07d", i))), Channel: notify.ChannelEmail,
					Template: notify.TransferNotice, Key: fmt.Sprintf("%s/%d/%d", st.name, b.N, i), Sender: sender, Params: params})
				require.NoError(b, err)
			}
			b.ResetTimer()
			start := time.Now()
			sent := 0
			for sent < b.N {
				r, err := disp.RunOnce(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if r.Sent != r.Claimed {
					b.Fatalf("sent %d of %d claimed", r.Sent, r.Claimed)
				}
				sent += r.Sent
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
	b.Run("adapter-alone-8-goroutines", func(b *testing.B) {
		d := delivery("customer@mail.example")
		var next atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for range 8 {
			wg.Go(func() {
				for next.Add(1) <= int64(b.N) {
					if _, err := n.Send(ctx, d); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	})
}
