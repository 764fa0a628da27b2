// Package keepalive turns keep-alive off in every way there is.
package keepalive

import (
	"net/http"
	"time"
)

var shared = &http.Transport{
	MaxIdleConns:      10,
	DisableKeepAlives: true, // want `DisableKeepAlives: true opens a new connection`
	// The idle timeout stays.
	IdleConnTimeout: time.Minute,
}

var tiny = &http.Transport{MaxIdleConns: 1, MaxIdleConnsPerHost: -1} // want `negative MaxIdleConnsPerHost`

var client = &http.Client{Transport: shared}

// Get sends a request that asks to close the connection.
func Get(u string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	// Close after this request.
	req.Close = true                      // want `req.Close = true`
	req.Header.Set("Connection", "close") // want `Connection: close`
	req.Header.Set("Accept", "text/plain")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections() // want `CloseIdleConnections in the function that sends`
	defer drain(resp)
	return nil
}

func drain(resp *http.Response) {
	buf := make([]byte, 512)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	resp.Body.Close()
}

// Tiny returns the tiny transport.
func Tiny() *http.Transport { return tiny }
