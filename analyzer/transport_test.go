package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestTransportPerRequest(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1002"}, "transport", "transportmain")
}
