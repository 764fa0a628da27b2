package threefiles

import (
	"fmt"
	"net/http"
)

// B gets u and fails on a bad status.
func B(u string) error {
	resp, err := http.Get(u) // want `http.Get sends` `not closed on the path` "KA1005"
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK { // the classic leak
		return fmt.Errorf("status %s", resp.Status)
	}
	defer resp.Body.Close()
	return nil
}
