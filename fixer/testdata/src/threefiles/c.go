package threefiles

import (
	"io"
	"net/http"
)

// C reads u.
func C(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u) // want `not closed on the path`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}
