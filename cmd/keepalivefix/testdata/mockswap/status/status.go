// Package status asks services how they are, through net/http's
// package-level functions: the shape whose fix declares a shared client.
package status

import (
	"fmt"
	"io"
	"net/http"
)

// Check returns the status code of u.
func Check(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// Body returns the body of u, failing on a bad status.
func Body(u string) (string, error) {
	resp, err := http.DefaultClient.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status: %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
