package status

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// roundTripFunc is a mock transport, as httpmock and gock install: a test
// swaps http.DefaultTransport and expects every request of the code under
// test to reach it.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func swap(t *testing.T, rt http.RoundTripper) {
	old := http.DefaultTransport
	http.DefaultTransport = rt
	t.Cleanup(func() { http.DefaultTransport = old })
}

// The host does not exist: only the mock can answer.
func TestMockedDefaultTransport(t *testing.T) {
	swap(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusTeapot, Body: io.NopCloser(strings.NewReader("mocked")), Request: r}, nil
	}))
	code, err := Check("http://service.invalid/healthz")
	if err != nil || code != http.StatusTeapot {
		t.Fatalf("Check = %d, %v; want the mock's 418", code, err)
	}
	if _, err := Body("http://service.invalid/"); err == nil {
		t.Fatal("Body: want the mock's bad status")
	}
}

// A tracing wrapper around the real transport sees every request, and the
// requests still reach a real (loopback) server.
func TestWrappedDefaultTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer srv.Close()
	var seen atomic.Int32
	base := http.DefaultTransport
	swap(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen.Add(1)
		return base.RoundTrip(r)
	}))
	for range 3 {
		if b, err := Body(srv.URL); err != nil || b != "ok" {
			t.Fatalf("Body = %q, %v", b, err)
		}
	}
	if n := seen.Load(); n != 3 {
		t.Fatalf("the wrapper saw %d requests, want 3", n)
	}
}

// Without a swap, the requests reach the server.
func TestRealTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer srv.Close()
	if code, err := Check(srv.URL); err != nil || code != http.StatusAccepted {
		t.Fatalf("Check = %d, %v", code, err)
	}
}
