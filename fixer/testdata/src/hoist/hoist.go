// Package hoist builds transports per call.
package hoist

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

const idle = 90 * time.Second

// Fetch builds its own transport on every call.
func Fetch(u string) error {
	tr := &http.Transport{ // want `http.Transport built per call`
		// Dial with a short timeout.
		DialContext:     (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		IdleConnTimeout: idle, // package-level constant
		TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12},
	}
	c := &http.Client{Transport: tr}
	resp, err := c.Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Post builds a client carrying its own transport.
func Post(u string) (int, error) {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 8}} // want `http.Transport built per call`
	resp, err := client.Head(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// WithTLS depends on its parameter: no fix.
func WithTLS(u string, conf *tls.Config) error {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: conf}} // want `http.Transport built per call.*no fix: the Transport is built from conf`
	resp, err := c.Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Tuned changes the transport after building it: no fix.
func Tuned(u string) error {
	tr := &http.Transport{} // want `http.Transport built per call.*no fix: the function changes or releases tr`
	tr.MaxIdleConns = 4
	resp, err := (&http.Client{Transport: tr}).Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Legacy turns keep-alive off on a transport it builds per call from its
// parameter: turning keep-alive on alone would leak every call's pool.
func Legacy(u string, conf *tls.Config) error {
	tr := &http.Transport{TLSClientConfig: conf, DisableKeepAlives: true} // want `http.Transport built per call.*no fix` `DisableKeepAlives: true.*no fix: the function still builds its Transport per call`
	resp, err := (&http.Client{Transport: tr}).Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Moved turns keep-alive off in a literal that moves to package level.
func Moved(u string) error {
	c := &http.Client{Transport: &http.Transport{ // want `http.Transport built per call`
		// Why it was off.
		DisableKeepAlives: true, // want `DisableKeepAlives: true opens`
		MaxIdleConns:      2,
	}}
	resp, err := c.Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
