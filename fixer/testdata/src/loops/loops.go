// Package loops leaves bodies open on the ways out of an iteration.
package loops

import (
	"errors"
	"io"
	"net/http"
	"time"
)

var client = &http.Client{}

// Retry goes round again on 503 with the body open; the other paths close
// it.
func Retry(u string) error {
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := client.Get(u) // want "KA1004"
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			time.Sleep(time.Millisecond)
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return errors.New(resp.Status)
		}
		return nil
	}
	return errors.New("unavailable")
}

// Statuses never closes: every way out of the iteration needs a close.
func Statuses(us []string) ([]int, error) {
	var out []int
	for _, u := range us {
		resp, err := client.Get(u) // want "KA1004"
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusNotFound {
			continue
		}
		if resp.StatusCode >= 500 {
			return nil, errors.New(resp.Status)
		}
		out = append(out, resp.StatusCode)
	}
	return out, nil
}

// ReadOnRetry returns the body itself on one path: no fix.
func ReadOnRetry(u string) ([]byte, error) {
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := client.Get(u) // want "KA1004.*no fix: a return in the loop uses the body"
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusOK {
			return io.ReadAll(resp.Body)
		}
	}
	return nil, errors.New("unavailable")
}
