// Package plugin registers the keepalive analyzer as a golangci-lint module
// plugin named "keepalive".
//
// Build a golangci-lint binary that includes it with "golangci-lint custom"
// and the repository's .custom-gcl.yml, then enable it in .golangci.yml as a
// custom linter of type "module" (see docs/golangci.yml):
//
//	linters:
//	  enable:
//	    - keepalive
//	  settings:
//	    custom:
//	      keepalive:
//	        type: module
//	        description: reports HTTP client code that defeats connection reuse
//	        settings:
//	          checks: all,-KA1001
//	          strict-drain: false
//	          client: example.com/app/internal/httpx.Client
//	          max-idle-per-host: 32
//	          header-timeout: 30s
//	          timeout: 0s
//
// Every setting is optional; an unset one keeps the default of the
// keepalivefix command. Durations are Go durations ("30s", "1m30s"; "0" turns
// the bound off). An unknown setting, an unknown check or a malformed
// duration fails the run when golangci-lint loads the plugin.
//
// The fixes of keepalive are golangci-lint fixes: "golangci-lint run --fix"
// applies them, and "//nolint:keepalive" silences a finding.
package plugin
