// Package existingclient already shares a client: the fix uses it.
package existingclient

import (
	"net/http"
	"time"
)

var client = &http.Client{Timeout: 10 * time.Second}

// Status gets the status of u.
func Status(u string) (string, error) {
	resp, err := http.Get(u) // want `http.Get sends` "KA1005"
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return resp.Status, nil
}

// Other already uses the shared client.
func Other(u string) error {
	resp, err := client.Head(u)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
