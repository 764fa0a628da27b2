package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// TestTestSupport: a package whose functions take a *testing.T is test
// code for the checks that stay quiet in tests; one that only calls
// testing.Testing is not.
func TestTestSupport(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1001,KA1002,KA1003"}, "testsupport", "testingmode")
}
