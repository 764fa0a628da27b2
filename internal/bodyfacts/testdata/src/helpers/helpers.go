package helpers

import (
	"errors"
	"fmt"
	"io"
	"log"
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

func WithError(c *http.Client, u string) (*http.Response, error) { // want WithError:`bodyfacts\(responseOnError returnsLive\)`
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return resp, errors.New(resp.Status)
	}
	return resp, nil
}

func Through(c *http.Client, u string) (*http.Response, error) { // want Through:`bodyfacts\(responseOnError returnsLive\)`
	resp, err := WithError(c, u)
	return resp, err
}

func Plain(c *http.Client, u string) (*http.Response, error) { // want Plain:`bodyfacts\(closedOnError returnsLive\)`
	resp, err := c.Get(u)
	return resp, err
}

func unrelated(n int) int { return n }

// ReadAllOf reads to EOF: the connection is pooled, close or not.
func ReadAllOf(resp *http.Response) ([]byte, error) { // want ReadAllOf:`bodyfacts\(0:drains\+eof\)`
	return io.ReadAll(resp.Body)
}

// ErrorFrom reads the error document to EOF, so a response returned with
// its error owes nothing.
func ErrorFrom(resp *http.Response) error { // want ErrorFrom:`bodyfacts\(0:drains\+eof\)`
	b, _ := io.ReadAll(resp.Body)
	return errors.New(string(b))
}

func WithReadError(c *http.Client, u string) (*http.Response, error) { // want WithReadError:`bodyfacts\(closedOnError returnsLive\)`
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return resp, ErrorFrom(resp)
	}
	return resp, nil
}

func Forward(c *http.Client, u string) (*http.Response, error) { // want Forward:`bodyfacts\(closedOnError returnsLive\)`
	return WithReadError(c, u)
}

// GetRead returns the response after reading its body to EOF.
func GetRead(c *http.Client, u string) (*http.Response, []byte, error) { // want GetRead:`bodyfacts\(returnsClosed closedOnError\)`
	resp, err := c.Get(u)
	if err == nil {
		b, errRead := io.ReadAll(resp.Body)
		return resp, b, errRead
	}
	return resp, nil, err
}

func GetReadThrough(c *http.Client, u string) (*http.Response, []byte, error) { // want GetReadThrough:`bodyfacts\(returnsClosed closedOnError\)`
	return GetRead(c, u)
}

// Stored is no producer: it returns a field, not a call's response.
type Stored struct{ last *http.Response }

func (s *Stored) Last() *http.Response { return s.last } // want Last:`bodyfacts\(\)`

func Snippet(resp *http.Response) string { // want Snippet:`bodyfacts\(0:reads\+partial\)`
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return string(b)
}

func BoundedDrain(rc io.ReadCloser) { // want BoundedDrain:`bodyfacts\(0:reads\+drains\+closes\)`
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
	rc.Close()
}

func Logged(resp *http.Response) { // want Logged:`bodyfacts\(\)`
	fmt.Print(resp)
	log.Print(resp.Body)
}

func MustDrained(c *http.Client, u string) *http.Response { // want MustDrained:`bodyfacts\(returnsClosed\)`
	resp, err := c.Get(u)
	if err != nil {
		panic(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		panic(err)
	}
	return resp
}
