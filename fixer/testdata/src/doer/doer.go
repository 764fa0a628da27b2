// Package doer keeps its client behind an interface of its own.
package doer

import (
	"net/http"
	"time"
)

// Doer is what the package needs of a client.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// defaultHTTPClient is the package's own client.
var defaultHTTPClient Doer = &http.Client{Timeout: time.Minute}

// Send sends req through http.DefaultClient: the fix uses the package's own
// client rather than declaring a second one.
func Send(req *http.Request) (int, error) {
	resp, err := http.DefaultClient.Do(req) // want "KA1001" "KA1004"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
