package adata

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuildIsInjective(t *testing.T) {
	// Moving bytes between parts must change the encoding.
	a := Build("l", "ab", "c")
	b := Build("l", "a", "bc")
	c := Build("l", "abc")
	assert.NotEqual(t, a, b)
	assert.NotEqual(t, a, c)
	assert.NotEqual(t, b, c)
	assert.Equal(t, []byte("l\x00\x00\x00\x02ab\x00\x00\x00\x01c"), a)
}

func TestAppendMatchesBuild(t *testing.T) {
	prefix := Append(nil, "label", "type", "subject")
	assert.Equal(t, Build("label", "type", "subject", "field"), AppendPart(prefix, "field"))
}
