package threefiles

import (
	"net/http"
)

// C reports u's status.
func C(c *http.Client, u string) (int, error) {
	resp, err := c.Get(u) // want `KA1004`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
