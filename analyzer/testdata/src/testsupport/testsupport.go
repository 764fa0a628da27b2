// Package testsupport is a test helper library: its exported functions take
// a *testing.T, so its code runs only inside tests, whoever imports it.
package testsupport

import (
	"crypto/tls"
	"io"
	"net/http"
	"testing"
)

// Get fetches u over a connection of its own, as tests that must not share
// connections do: quiet, as in a _test.go file.
func Get(t *testing.T, u string) []byte {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
	}}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Status sends through http.Get: quiet, test code.
func Status(tb testing.TB, u string) int {
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
