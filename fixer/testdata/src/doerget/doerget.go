// Package doerget's interface lacks Get: its client cannot take http.Get.
package doerget

import "net/http"

// Doer is what the package needs of a client.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

var client Doer = &http.Client{}

// Status needs Get, which Doer does not have: a client of its own is
// declared.
func Status(u string) (int, error) {
	resp, err := http.Head(u) // want "KA1001"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Send uses the package's client.
func Send(req *http.Request) (*http.Response, error) { return client.Do(req) }
