package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestContextCancelled(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1006"}, "cancelled")
}
