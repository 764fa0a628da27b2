package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestBodyNotClosed(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1004,KA1005"}, "bodyclose")
}

func TestBodyNotDrained(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1004,KA1005"}, "bodydrain")
}

func TestBodyNotDrainedStrict(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1005", StrictDrain: true}, "bodystrict")
}

func TestBodyReach(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1004,KA1005"}, "bodyreach")
}

func TestBodyPartialReads(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1004,KA1005"}, "bodypartial")
}
