// Package timeclash has a package-level time: the fix imports "time"
// under another name.
package timeclash

import "net/http"

// time is when the package last synced.
var time = "never"

// Sync reports whether u answers.
func Sync(u string) bool {
	resp, err := http.Head(u) // want `http.Head sends`
	if err != nil {
		return false
	}
	time = resp.Header.Get("Date")
	return resp.Body.Close() == nil
}
