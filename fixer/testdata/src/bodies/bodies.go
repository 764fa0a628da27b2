// Package bodies leaves bodies open, or closes them unread.
package bodies

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Decode leaks the body when the status is bad.
func Decode(c *http.Client, u string, v any) error {
	resp, err := c.Get(u) // want `not closed on the path`
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// All checks every URL; the body is closed at the end of each iteration.
func All(c *http.Client, us []string) int {
	ok := 0
	for _, u := range us {
		resp, err := c.Get(u) // want `still open when the loop`
		if err != nil {
			continue
		}
		if resp.StatusCode == http.StatusOK {
			ok++
		}
	}
	return ok
}

// Returned hands the response to its caller on success: no fix, since a
// deferred close would close what the caller reads.
func Returned(c *http.Client, u string) (*http.Response, error) {
	resp, err := c.Get(u) // want `not closed on the path`
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	return resp, nil
}

// CloseErr returns Close's error.
func CloseErr(c *http.Client, u string) error {
	resp, err := c.Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	if err := resp.Body.Close(); err != nil {
		return err
	}
	return nil
}
