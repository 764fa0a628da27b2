// Package sameline has keepalive findings on lines that another linter, or
// a second keepalive check, also reports: golangci-lint's default
// uniq-by-line would keep only one finding per line.
package sameline

import "net/http"

// Ping is reported twice by keepalive on one line (the default client, a
// response that is never closed), and by errcheck (the error is dropped).
func Ping(u string) {
	http.Get(u)
}
