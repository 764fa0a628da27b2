// Package testingmode is production code that asks testing.Testing whether
// it runs in a test: importing testing does not make it test support.
package testingmode

import (
	"io"
	"net/http"
	"testing"
	"time"
)

func timeout() time.Duration {
	if testing.Testing() {
		return time.Second
	}
	return 30 * time.Second
}

func Fetch(u string) ([]byte, error) {
	client := &http.Client{Timeout: timeout(), Transport: &http.Transport{}} // want `KA1002`
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func Ping(u string) error {
	resp, err := http.Get(u) // want `KA1001`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func NoKeepAlive() *http.Transport {
	return &http.Transport{DisableKeepAlives: true} // want `KA1003`
}
