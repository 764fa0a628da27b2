// Package early hands a response over after returning early on a bad
// status.
package early

import (
	"encoding/json"
	"fmt"
	"net/http"
)

var client = &http.Client{}

// Addon is what the service returns.
type Addon struct{ ID string }

func decode(resp *http.Response) (*Addon, error) {
	defer resp.Body.Close()
	var a Addon
	err := json.NewDecoder(resp.Body).Decode(&a)
	return &a, err
}

// Install returns early on a bad status with the body open; on success the
// response is handed to decode, which closes it.
func Install(u string) (*Addon, error) {
	resp, err := client.Get(u) // want "KA1004"
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("install: HTTP %d", resp.StatusCode)
	}
	return decode(resp)
}
