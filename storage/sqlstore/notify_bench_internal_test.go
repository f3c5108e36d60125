package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
)

// benchSubjects holds every customer.
type benchSubjects struct{}

func (benchSubjects) SubjectState(context.Context, custos.SubjectID) (custos.SubjectState, error) {
	return custos.SubjectActive, nil
}

// benchRecorder discards events: the benchmark measures the outbox, not
// the audit log (BenchmarkAppend measures that).
type benchRecorder struct{}

func (benchRecorder) Record(context.Context, custos.Event) error { return nil }

var benchSender = custos.Access{Actor: custos.Actor{ID: "svc-incident", Role: "workflow"}, Purpose: "breach-notice", RequestID: "INC-1"}

func benchMessage(i int) notify.Message {
	return notify.Message{To: notify.Customer(custos.SubjectID(fmt.Sprintf("C%07d", i))), Channel: notify.ChannelEmail, Template: notify.BreachNotice,
		Key: fmt.Sprintf("INC-1/%d", i), Sender: benchSender, Params: notify.Params{"categories": "contact details", "cause": "a misconfigured server",
			"harm": "phishing", "measures": "the server was closed", "remedies": "be wary of calls", "contact": "https://lessor.example/incident", "discovered": "2026-03-01"}}
}

// rawInsert is the INSERT the store makes for m, with nothing around it:
// the baseline of BenchmarkEnqueue.
func rawInsert(ctx context.Context, s *DB, m notify.Stored) error {
	params, err := encodeParams(m.Params)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO custos_notify_messages (`+messageColumns+`, due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		m.ID, m.Key, string(m.To.Subject), m.To.Organisation, string(m.Channel), string(m.Template), params,
		m.Sender.Actor.ID, string(m.Sender.Actor.Role), string(m.Sender.Purpose), m.Sender.RequestID,
		int(m.State), m.Attempts, m.Base, micros(m.NextAt), m.Owner, micros(m.LeaseUntil), m.Reason,
		micros(m.Created), micros(m.Updated), dueAt(m))
	return err
}

// BenchmarkEnqueue: Outbox.Enqueue over SQLite (the template and
// parameter checks, the personal-data scan, the customer's state, the
// event built and handed to a recorder that discards it, the INSERT ... ON
// CONFLICT in its transaction) beside the bare INSERT of the same row.
// Each commit is durable (synchronous=FULL), so both are bound by the
// disk's fsync. With CUSTOS_TEST_POSTGRES_DSN set, the same on PostgreSQL.
func BenchmarkEnqueue(b *testing.B) {
	ctx := context.Background()
	opens := []struct {
		name string
		open func(b *testing.B) *DB
	}{{"sqlite", func(b *testing.B) *DB {
		db, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
		require.NoError(b, err)
		b.Cleanup(func() { db.Close() })
		return db
	}}}
	if dsn := os.Getenv("CUSTOS_TEST_POSTGRES_DSN"); dsn != "" {
		opens = append(opens, struct {
			name string
			open func(b *testing.B) *DB
		}{"postgres", func(b *testing.B) *DB {
			schema := fmt.Sprintf("custos_bench_%d", time.Now().UnixNano())
			db, err := OpenPostgres(ctx, dsn, &Options{Schema: schema})
			require.NoError(b, err)
			b.Cleanup(func() {
				db.db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
				db.Close()
			})
			return db
		}})
	}
	for _, o := range opens {
		b.Run(o.name, func(b *testing.B) {
			db := o.open(b)
			outbox, err := notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Recorder: benchRecorder{}, Subjects: benchSubjects{}})
			require.NoError(b, err)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := outbox.Enqueue(ctx, benchMessage(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(o.name+"-raw", func(b *testing.B) {
			db := o.open(b)
			now := time.Now()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m := benchMessage(i)
				s := notify.Stored{ID: notify.MessageID(m.Key), Key: m.Key, To: m.To, Channel: m.Channel, Template: m.Template, Params: m.Params,
					Sender: m.Sender, State: notify.StatePending, NextAt: now, Created: now, Updated: now}
				if err := rawInsert(ctx, db, s); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
