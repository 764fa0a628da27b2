// Package doerctor builds its client behind an interface with a
// constructor.
package doerctor

import (
	"io"
	"net/http"
	"time"
)

// HTTPClient is what the package needs of a client.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

func newDefaultHTTPClient() *http.Client {
	return &http.Client{Timeout: time.Minute}
}

// defaultHTTPClient is the package's own client.
var defaultHTTPClient HTTPClient = newDefaultHTTPClient()

// Send sends req through http.DefaultClient: the fix uses the package's
// client.
func Send(req *http.Request) (int64, error) {
	resp, err := http.DefaultClient.Do(req) // want "KA1001"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}
