package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestKeepAliveDisabled(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1003"}, "keepalivedisabled", "keepalivemain")
}
