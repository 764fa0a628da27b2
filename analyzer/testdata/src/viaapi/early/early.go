// Package early does not import net/http: its response comes from
// viaapilib, and only the fields it reads are net/http's.
package early

import (
	"errors"
	"io"

	lib "viaapilib"
)

func EarlyReturn(u string) error {
	resp, err := lib.Fetch(u) // want `KA1004: resp.Body is not closed on the path that returns at line 18`
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return errors.New("bad status")
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
