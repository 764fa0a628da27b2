// Package bodyhelpers is a helper library in another package: its facts
// must reach the packages that call it.
package bodyhelpers

import (
	"io"
	"net/http"
)

// DrainClose drains a bounded amount of the body and closes it.
func DrainClose(rc io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, rc, 64<<10)
	_ = rc.Close()
}

// CloseResponse only closes.
func CloseResponse(resp *http.Response) {
	if resp != nil {
		resp.Body.Close()
	}
}

// ReadStatus reads the status but leaves the body to the caller.
func ReadStatus(resp *http.Response) int { return resp.StatusCode }

// Peek reads a little of the body and does not close it.
func Peek(r io.Reader) []byte {
	buf := make([]byte, 16)
	n, _ := r.Read(buf)
	return buf[:n]
}

// Finish hands over to DrainClose: facts compose.
func Finish(resp *http.Response) { DrainClose(resp.Body) }

// CheckedDo returns the response even when the status is bad, together
// with an error: callers must close the body on error too.
func CheckedDo(c *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 500 {
		return resp, errStatus
	}
	return resp, nil
}

// PlainDo passes the client's contract through: nil response on error.
func PlainDo(c *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req)
	return resp, err
}

type statusError struct{}

func (statusError) Error() string { return "server error" }

var errStatus error = statusError{}

// GetBody returns the response with the body it read and closed, as test
// helpers do.
func GetBody(c *http.Client, url string) (*http.Response, []byte) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// DrainLimited drains through io.LimitReader to io.Discard and closes: a
// bounded drain, as DrainClose.
func DrainLimited(rc io.ReadCloser) error {
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 64<<10))
	return rc.Close()
}
