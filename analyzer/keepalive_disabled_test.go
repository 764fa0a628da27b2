package analyzer_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestKeepAliveDisabled(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "KA1003"}, "keepalivedisabled", "keepalivemain")
}

// A setting that closes a request's connection is removed only when the
// response is read to EOF: with the body closed unread the removal alone
// reuses nothing, and a second run would report the body.
func TestRequestCloseUnread(t *testing.T) {
	a, err := analyzer.New(analyzer.Options{Checks: "KA1003,KA1005"})
	if err != nil {
		t.Fatal(err)
	}
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), a, "closeunread")
}
