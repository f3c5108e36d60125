package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-go/custos/examples/internal/exreport"
)

// TestNotifyExample: 99 of 100 notices are delivered in two languages,
// the bounce is a dead letter with its reason, a rerun sends nothing
// twice, and no address is in the database files outside the vault's
// ciphertexts.
func TestNotifyExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"-db", path}, &out))
	s := out.String()
	assert.Contains(t, s, "enqueued 100 transfer notices (PIPL Art. 22), 0 already in the outbox")
	assert.Contains(t, s, "dispatched: 100 claimed, 99 sent, 1 dead, 0 to retry")
	assert.Contains(t, s, "the SMTP server accepted 99 messages")
	assert.Contains(t, s, "en      Subject: Your personal information passes to 收购方融资租赁有限公司")
	assert.Contains(t, s, "zh-Hans Subject: 关于您的个人信息转移至收购方融资租赁有限公司")
	assert.Contains(t, s, "outbox: pending 0, claimed 0, sent 99, dead 1, cancelled 0")
	assert.Contains(t, s, "sent in: en 50, zh-Hans 49 (16 by the matcher's fallback)")
	assert.Regexp(t, `dead letter [0-9a-f]{32} to C0000042 after 1 attempt\(s\): smtp-550`, s)
	rep, err := exreport.Verify(path)
	require.NoError(t, err, "the report files exist and verify")
	assert.Equal(t, "outbox-dead", rep.Findings[0].Code, "the dead letter is the report's first finding")

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"-db", path}, &out))
	s = out.String()
	assert.Contains(t, s, "enqueued 0 transfer notices (PIPL Art. 22), 100 already in the outbox")
	assert.Contains(t, s, "dispatched: 0 claimed, 0 sent, 0 dead")
	assert.Contains(t, s, "outbox: pending 0, claimed 0, sent 99, dead 1, cancelled 0")

	files, err := filepath.Glob(path + "*")
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.False(t, bytes.Contains(b, []byte("@mail.example")), "%s holds an address", filepath.Base(f))
	}
}
