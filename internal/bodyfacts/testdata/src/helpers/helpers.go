package helpers

import (
	"errors"
	"io"
	"net/http"
)

func DrainClose(rc io.ReadCloser) { // want DrainClose:`bodyfacts\(0:drains\+closes\)`
	io.CopyN(io.Discard, rc, 64<<10)
	rc.Close()
}

func CloseOnly(resp *http.Response) { // want CloseOnly:`bodyfacts\(0:closes\)`
	resp.Body.Close()
}

func Composed(resp *http.Response) { // want Composed:`bodyfacts\(0:drains\+closes\)`
	DrainClose(resp.Body)
}

func Decode(r io.Reader, v *int) error { // want Decode:`bodyfacts\(0:reads\)`
	_, err := r.Read(nil)
	return err
}

func Borrow(resp *http.Response) int { // want Borrow:`bodyfacts\(\)`
	return resp.StatusCode
}

var kept []*http.Response

func Keep(resp *http.Response) { // want Keep:`bodyfacts\(0:retains\)`
	kept = append(kept, resp)
}

func Unknown(resp *http.Response, f func(*http.Response)) { // want Unknown:`bodyfacts\(0:retains\)`
	f(resp)
}

func WithError(c *http.Client, u string) (*http.Response, error) { // want WithError:`bodyfacts\(responseOnError\)`
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return resp, errors.New(resp.Status)
	}
	return resp, nil
}

func Through(c *http.Client, u string) (*http.Response, error) { // want Through:`bodyfacts\(responseOnError\)`
	resp, err := WithError(c, u)
	return resp, err
}

func Plain(c *http.Client, u string) (*http.Response, error) { // want Plain:`bodyfacts\(\)`
	resp, err := c.Get(u)
	return resp, err
}

func unrelated(n int) int { return n }
