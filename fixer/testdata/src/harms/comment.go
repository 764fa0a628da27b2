package harms

import (
	"context"
	"net/http"
)

var client = &http.Client{}

// Status asks u for its status. The comment above the removed header goes
// with it; the one above the next statement stays.
func Status(ctx context.Context, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return 0, err
	}
	// Ask the server to close the connection after the response.
	req.Header.Set("Connection", "close") // want "KA1003"
	// Send it.
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Deferred closes in a deferred function literal without reading.
func Deferred(u string) (int, error) {
	resp, err := client.Get(u) // want "KA1005"
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	return 0, nil
}
