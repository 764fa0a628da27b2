// Package bodyreachlib is an SDK-like client in another package: what its
// functions do with responses reaches its callers only as facts.
package bodyreachlib

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

type Client struct{ HC *http.Client }

// APIError is not the error type; the helper returning it closes the body.
type APIError struct{ Status int }

func (e APIError) Error() string { return fmt.Sprint(e.Status) }

// errorFromResponse reads and closes the error document, by either path.
func (c *Client) errorFromResponse(resp *http.Response) APIError {
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		defer resp.Body.Close()
		return APIError{Status: resp.StatusCode}
	}
	var e APIError
	_ = c.decodeJSON(resp, &e)
	return e
}

func (c *Client) decodeJSON(resp *http.Response, v any) error {
	orb := resp.Body
	defer func() { _ = orb.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (c *Client) doWithEndpoint(req *http.Request) (*http.Response, error) {
	resp, err := c.HC.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, c.errorFromResponse(resp)
	}
	return resp, nil
}

func (c *Client) do(req *http.Request) (*http.Response, error) { return c.doWithEndpoint(req) }

// Get returns the open response on success, and on a bad status a
// response already closed together with the error.
func (c *Client) Get(u string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return c.do(req)
}

// Send returns the response of the request it sent, open.
func (c *Client) Send(req *http.Request) (*http.Response, error) {
	resp, err := c.HC.Do(req)
	if err != nil {
		return nil, fmt.Errorf("send: %w", err)
	}
	return resp, nil
}

// Fetch returns the response after reading its body to EOF.
func Fetch(hc *http.Client, u string) (*http.Response, []byte, error) {
	resp, err := hc.Get(u)
	if err == nil {
		b, errRead := io.ReadAll(resp.Body)
		return resp, b, errRead
	}
	return resp, nil, err
}

// FetchGet passes Fetch's response through.
func FetchGet(hc *http.Client, u string) (*http.Response, []byte, error) {
	return Fetch(hc, u)
}

// ReadError reads the whole error document and turns it into an error.
func ReadError(resp *http.Response) error {
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return fmt.Errorf("%s: %s", resp.Status, b)
}

// Doer is what Decoder sends through: an *http.Client or a test double.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Decoder decodes the JSON answer and closes the body itself; on a failed
// send it passes the Doer's response through with the error, which by
// net/http's contract is nil or already closed.
type Decoder struct{ D Doer }

func (d *Decoder) Do(req *http.Request, v any) (*http.Response, error) {
	resp, err := d.D.Do(req)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	return resp, json.NewDecoder(resp.Body).Decode(v)
}
