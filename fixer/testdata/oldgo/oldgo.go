// Package oldgo is in a module whose go line predates io.Discard.
package oldgo

import "net/http"

// Ping closes the body unread.
func Ping(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close() // want `closed unread`
	return nil
}
