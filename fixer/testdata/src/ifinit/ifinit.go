// Package ifinit sends in the header of its error check.
package ifinit

import (
	"fmt"
	"io"
	"net/http"
)

// Chunk returns early on a bad length with the body open, before its
// deferred close.
func Chunk(c *http.Client, req *http.Request, want int64, dst io.Writer) error {
	var res *http.Response
	var err error
	if res, err = c.Do(req); err != nil { // want "KA1004"
		return err
	}
	if res.ContentLength != want {
		return fmt.Errorf("got %d bytes, want %d", res.ContentLength, want)
	}
	defer res.Body.Close()
	_, err = io.CopyN(dst, res.Body, want)
	return err
}
