// Package oldgo is in a module whose go line predates io.Discard.
package oldgo

import "net/http"

// Ping closes the body unread.
func Ping(c *http.Client, u string) error {
	resp, err := c.Get(u) // want "KA1005"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}
