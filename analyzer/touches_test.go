package analyzer_test

import (
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// TestViaAPI: packages that never import net/http, whose responses,
// services and directives come through another package's API, are checked
// (touchesNetHTTP). Each package holds one way of touching net/http, so
// that each is tested alone: a field of a response, a signature, an
// alias, a factory's fact, a directive.
func TestViaAPI(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "all", ReportUnusedIgnores: true},
		"viaapi/early", "viaapi/discarded", "viaapi/alias", "viaapi/factory", "viaapi/directive", "viaapi/quiet")
}
