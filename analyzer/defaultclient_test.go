package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestDefaultClient(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1001"}, "defaultclient", "defaultclientmain")
}
