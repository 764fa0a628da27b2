// Package sharedclient sends through the package-level functions of
// net/http.
package sharedclient

import (
	"net/http"
	"net/url"
	"strings"
)

// Fetch gets a page.
func Fetch(u string) (int, error) {
	// The status is all we need.
	resp, err := http.Get(u) // want `http.Get sends through http.DefaultClient` "KA1005"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// Send posts a form and a body, and checks a HEAD.
func Send(u string) error {
	r1, err := http.PostForm(u, url.Values{"a": {"1"}}) // want `http.PostForm sends` "KA1005"
	if err != nil {
		return err
	}
	r1.Body.Close()
	r2, err := http.Post(u, "text/plain", strings.NewReader("x")) /* keep me */ // want `http.Post sends` "KA1005"
	if err != nil {
		return err
	}
	r2.Body.Close()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	r3, err := http.DefaultClient.Do(req) // want `http.DefaultClient has no timeout` "KA1005"
	if err != nil {
		return err
	}
	return r3.Body.Close()
}
