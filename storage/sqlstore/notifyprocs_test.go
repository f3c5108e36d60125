package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/storage/sqlstore"
	"github.com/custos-go/custos/storage/storetest"
)

// Dispatchers in several processes (re-executed test binaries) drain one
// outbox in SQLite or PostgreSQL. Each child writes the idempotency key
// of every message it hands to its channel to a file, synced before the
// send returns, so that even a killed child's sends are counted. Steps
// are ordered over pipes, never by timing.

const (
	notifyChildEnv   = "CUSTOS_TEST_NOTIFY_CHILD" // "sqlite" or "postgres": run as a dispatcher process
	notifyChildDB    = "CUSTOS_TEST_NOTIFY_DB"    // SQLite path, or the PostgreSQL schema
	notifyChildOut   = "CUSTOS_TEST_NOTIFY_OUT"   // the file of keys sent
	notifyChildOwner = "CUSTOS_TEST_NOTIFY_OWNER" // the dispatcher's Owner
	notifyChildMode  = "CUSTOS_TEST_NOTIFY_MODE"  // "drain", or "crash": hang after the first send until killed
)

var procSender = custos.Access{Actor: custos.Actor{ID: "svc-incident", Role: "workflow"}, Purpose: "breach-notice", RequestID: "INC-9"}

type procHeld struct{}

func (procHeld) SubjectState(context.Context, custos.SubjectID) (custos.SubjectState, error) {
	return custos.SubjectActive, nil
}

var procDirectory = notify.DirectoryFunc(func(context.Context, custos.Access, custos.SubjectID, notify.Channel) (notify.Contact, error) {
	return notify.Contact{Address: "synthetic@mail.example", Language: "en"}, nil
})

// keyFile is a Notifier that appends each key it is sent to a file and
// syncs it before the send returns.
type keyFile struct {
	mu    sync.Mutex
	f     *os.File
	after func() // called after each send is on disk
}

func (k *keyFile) Send(_ context.Context, d notify.Delivery) (notify.Receipt, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, err := fmt.Fprintf(k.f, "%s %d\n", d.Key, d.Attempt); err != nil {
		return notify.Receipt{}, err
	}
	if err := k.f.Sync(); err != nil {
		return notify.Receipt{}, err
	}
	if k.after != nil {
		k.after()
	}
	return notify.Receipt{ProviderID: "file-" + d.ID}, nil
}

func procOutbox(db *sqlstore.DB) (*notify.Outbox, error) {
	return notify.NewOutbox(notify.OutboxConfig{Store: db.Notify(), Recorder: &storetest.Recorder{}, Subjects: procHeld{}})
}

func procDispatcher(o *notify.Outbox, owner string, n notify.Notifier, clock custos.Clock) (*notify.Dispatcher, error) {
	return notify.NewDispatcher(notify.DispatcherConfig{Outbox: o, Channels: map[notify.Channel]notify.Notifier{notify.ChannelEmail: n},
		Directory: procDirectory, Owner: owner, Lease: time.Minute, SendTimeout: 10 * time.Second, Batch: 4, Workers: 2, Clock: clock})
}

// TestNotifyDispatchChild is a dispatcher process; it runs only when
// re-executed by TestNotifyDispatchersAcrossProcesses.
func TestNotifyDispatchChild(t *testing.T) {
	dialect := os.Getenv(notifyChildEnv)
	if dialect == "" {
		t.Skip("a process of TestNotifyDispatchersAcrossProcesses")
	}
	ctx := context.Background()
	db, err := openFromChild(ctx, dialect, os.Getenv(notifyChildDB))
	require.NoError(t, err)
	defer db.Close()
	f, err := os.OpenFile(os.Getenv(notifyChildOut), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	defer f.Close()
	sink := &keyFile{f: f}
	if os.Getenv(notifyChildMode) == "crash" {
		sink.after = func() {
			fmt.Println("custos-child-sent")
			os.Stdin.Read(make([]byte, 1)) // killed here, between the send and recording it
			os.Exit(3)
		}
	}
	o, err := procOutbox(db)
	require.NoError(t, err)
	d, err := procDispatcher(o, os.Getenv(notifyChildOwner), sink, nil)
	require.NoError(t, err)
	fmt.Println("custos-child-ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	for {
		r, err := d.RunOnce(ctx)
		require.NoError(t, err)
		if r.Claimed == 0 {
			return
		}
	}
}

// child is a started dispatcher process waiting for "go".
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Scanner
	stderr *strings.Builder
	file   string
}

func startChild(t *testing.T, dialect, where, dir, owner, mode string) *child {
	t.Helper()
	c := &child{file: filepath.Join(dir, owner+".keys"), stderr: &strings.Builder{}}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestNotifyDispatchChild$", "-test.count=1")
	c.cmd.Env = append(os.Environ(), notifyChildEnv+"="+dialect, notifyChildDB+"="+where, notifyChildOut+"="+c.file,
		notifyChildOwner+"="+owner, notifyChildMode+"="+mode)
	stdin, err := c.cmd.StdinPipe()
	require.NoError(t, err)
	c.stdin = stdin
	stdout, err := c.cmd.StdoutPipe()
	require.NoError(t, err)
	c.cmd.Stderr = c.stderr
	require.NoError(t, c.cmd.Start())
	c.out = bufio.NewScanner(stdout)
	c.await(t, "custos-child-ready")
	return c
}

// await reads the child's output up to line.
func (c *child) await(t *testing.T, line string) {
	t.Helper()
	var log strings.Builder
	for c.out.Scan() {
		log.WriteString(c.out.Text() + "\n")
		if c.out.Text() == line {
			return
		}
	}
	c.cmd.Wait()
	t.Fatalf("dispatcher process %s did not print %s:\n%s%s", c.cmd.Env[len(c.cmd.Env)-2], line, log.String(), c.stderr.String())
}

func (c *child) finish(t *testing.T) {
	t.Helper()
	var log strings.Builder
	for c.out.Scan() {
		log.WriteString(c.out.Text() + "\n")
	}
	require.NoError(t, c.cmd.Wait(), "dispatcher process:\n%s%s", log.String(), c.stderr.String())
}

// sentKeys reads the keys a child sent, with the attempt of each send.
func sentKeys(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	return strings.Fields(strings.ReplaceAll(string(b), "\n", " | "))
}

// TestNotifyDispatchersAcrossProcesses: three dispatcher processes drain
// one outbox at once and every message is sent exactly once; a dispatcher
// killed between sending a message and recording it leaves its claim,
// and after the lease another dispatcher sends it again with the same
// idempotency key, the delivery records naming both attempts.
func TestNotifyDispatchersAcrossProcesses(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			db, where := openShared(t, dialect, dir)
			defer db.Close()
			outbox, err := procOutbox(db)
			require.NoError(t, err)
			enqueue := func(prefix string, n int) []string {
				var keys []string
				for i := range n {
					key := fmt.Sprintf("%s/C%07d", prefix, i)
					_, err := outbox.Enqueue(ctx, notify.Message{To: notify.Customer(custos.SubjectID(fmt.Sprintf("C%07d", i))), Channel: notify.ChannelEmail,
						Template: notify.AccuracyReview, Key: key, Sender: procSender,
						Params: notify.Params{"fields": "address", "contact": "https://lessor.example/review", "reply_by": "2026-05-01"}})
					require.NoError(t, err)
					keys = append(keys, key)
				}
				return keys
			}

			t.Run("three-drain-one-outbox", func(t *testing.T) {
				keys := enqueue("review", 60)
				var kids []*child
				for i := range 3 {
					kids = append(kids, startChild(t, dialect, where, dir, fmt.Sprintf("proc-%d", i), "drain"))
				}
				for _, c := range kids {
					_, err := fmt.Fprintln(c.stdin, "go")
					require.NoError(t, err)
				}
				sent := map[string]int{}
				for _, c := range kids {
					c.finish(t)
					ks := sentKeys(t, c.file)
					t.Logf("%s sent %d", filepath.Base(c.file), len(ks)/3)
					for i := 0; i+2 < len(ks); i += 3 {
						sent[ks[i]]++
						assert.Equal(t, "1", ks[i+1], "first attempt of %s", ks[i])
					}
				}
				assert.Len(t, sent, len(keys), "none lost")
				for _, k := range keys {
					assert.Equal(t, 1, sent[k], "%s sent once", k)
					m, err := outbox.Get(ctx, notify.MessageID(k))
					require.NoError(t, err)
					assert.Equal(t, notify.StateSent, m.State)
					assert.Equal(t, 1, m.Attempts)
				}
			})

			t.Run("killed-between-send-and-mark", func(t *testing.T) {
				keys := enqueue("breach", 1)
				c := startChild(t, dialect, where, dir, "crasher", "crash")
				_, err := fmt.Fprintln(c.stdin, "go")
				require.NoError(t, err)
				c.await(t, "custos-child-sent")
				require.NoError(t, c.cmd.Process.Kill())
				c.cmd.Wait()
				crashed := sentKeys(t, c.file)
				require.Equal(t, []string{keys[0], "1", "|"}, crashed, "the killed process sent it once")
				m, err := outbox.Get(ctx, notify.MessageID(keys[0]))
				require.NoError(t, err)
				assert.Equal(t, notify.StateClaimed, m.State, "its claim outlives it")

				f, err := os.OpenFile(filepath.Join(dir, "survivor.keys"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
				require.NoError(t, err)
				defer f.Close()
				later := func() time.Time { return time.Now().Add(2 * time.Minute) } // past the lease
				survivor, err := procDispatcher(outbox, "survivor", &keyFile{f: f}, later)
				require.NoError(t, err)
				rep, err := survivor.RunOnce(ctx)
				require.NoError(t, err)
				assert.Equal(t, notify.Report{Claimed: 1, Sent: 1}, rep)
				assert.Equal(t, []string{keys[0], "2", "|"}, sentKeys(t, filepath.Join(dir, "survivor.keys")), "resent with the same idempotency key")
				as, err := outbox.Attempts(ctx, notify.MessageID(keys[0]))
				require.NoError(t, err)
				require.Len(t, as, 2)
				assert.Equal(t, "crasher", as[0].Owner)
				assert.Equal(t, notify.ResultAbandoned, as[0].Result)
				assert.Equal(t, "survivor", as[1].Owner)
				assert.Equal(t, notify.ResultSent, as[1].Result)
			})
		})
	}
}
