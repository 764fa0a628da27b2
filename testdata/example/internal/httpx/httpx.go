// Package httpx holds the shop's small HTTP helpers.
package httpx

import "io"

// maxDrain bounds how much of an unwanted body is read so that its
// connection can be reused; net/http bounds its own redirect drains too.
const maxDrain = 64 << 10

// DrainClose reads what is left of a response body, up to a bound, and
// closes it, so that the connection goes back to the pool.
func DrainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}
