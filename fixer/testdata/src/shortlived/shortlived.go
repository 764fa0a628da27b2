// Package shortlived switches keep-alive off on Transports that may be
// built per call: the settings stay, and the findings say why.
package shortlived

import (
	"net/http"
	"sync"
	"time"
)

// Collector keeps its client in a field.
type Collector struct{ client *http.Client }

// SetHeaderTimeout bounds the wait for response headers, with keep-alive
// off. The Transport comes from a type assertion or is built here: not
// provably long-lived. (With a Proxy of its own, keep-alive off would be
// quiet: see analyzer/testdata/src/keepalivedisabled/proxy.go.)
func (c *Collector) SetHeaderTimeout(d time.Duration) {
	t, ok := c.client.Transport.(*http.Transport)
	if c.client.Transport != nil && ok {
		t.ResponseHeaderTimeout = d
		t.DisableKeepAlives = true // want `KA1003.*no fix: keepalivefix cannot prove that the Transport t lives for many requests`
	} else {
		c.client.Transport = &http.Transport{
			ResponseHeaderTimeout: d,
			DisableKeepAlives:     true, // want `KA1003.*no fix: keepalivefix cannot prove that this Transport lives for many requests`
		}
	}
}

// newTransport is a factory: each call builds a Transport.
func newTransport() http.RoundTripper {
	return &http.Transport{DisableKeepAlives: true} // want `KA1003.*no fix`
}

var (
	once   sync.Once
	shared *http.Transport
)

// Shared builds its Transport once: the setting goes.
func Shared() *http.Transport {
	once.Do(func() {
		shared = &http.Transport{DisableKeepAlives: true} // want `KA1003`
	})
	return shared
}

// Send sends req through a client it is given: the caller's client, which
// keepalivefix cannot see.
func Send(hc *http.Client, req *http.Request) (int, error) {
	req.Close = true // want `KA1003.*no fix: the response of the request, sent at line 53, is closed unread`
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
