package transport

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Test code runs per test, not per request: only loops are reported.
func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c := &http.Client{Transport: &http.Transport{}}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	drain(resp)
}

func get(t *testing.T, u string) *http.Response {
	c := &http.Client{Transport: &http.Transport{}}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestStatuses(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	for _, path := range []string{"/a", "/b"} {
		c := &http.Client{Transport: &http.Transport{}} // want `http.Transport built inside a loop`
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		drain(resp)
	}
}
