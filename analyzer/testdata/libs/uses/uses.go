// Package uses calls the factories of go-cleanhttp, go-retryablehttp and
// resty: per request they build a new pool; kept once, they do not.
package uses

import (
	"io"
	"net/http"

	"github.com/go-resty/resty/v2"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// --- reported ---

func Retrying(u string) error {
	c := retryablehttp.NewClient() // want `KA1002: retryablehttp.NewClient builds a new http.Transport per call`
	c.RetryMax = 2
	// retryablehttp's Do may return a response with its error (through its
	// ErrorHandler, or the previous attempt's on a request body error), so
	// the error path owes a close too: KA1004, from its facts.
	resp, err := c.Get(u) // want `KA1004: resp.Body is not closed on the path that returns`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func Resty(u string) (string, error) {
	r, err := resty.New().R().Get(u) // want `KA1002: resty.New builds a new http.Transport per call`
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

func Pooled(req *http.Request) error {
	resp, err := cleanhttp.DefaultPooledClient().Do(req) // want `KA1002: cleanhttp.DefaultPooledClient builds a new http.Transport per call`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func Unpooled(req *http.Request) error {
	hc := cleanhttp.DefaultClient() // want `KA1002: cleanhttp.DefaultClient builds` `KA1003: cleanhttp.DefaultClient returns a Transport with keep-alive switched off`
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func InLoop(urls []string) error {
	for _, u := range urls {
		c := retryablehttp.NewClient() // want `KA1002: retryablehttp.NewClient builds a new http.Transport per call and is called inside a loop`
		resp, err := c.Get(u)          // want `KA1004` `KA1005`
		if err != nil {
			return err
		}
		resp.Body.Close()
	}
	return nil
}

// once switches keep-alive off for the life of the process.
var once = &http.Client{Transport: cleanhttp.DefaultTransport()} // want `KA1003: cleanhttp.DefaultTransport returns a Transport with keep-alive switched off`

// --- not reported ---

// Service keeps one retrying client, built in its constructor.
type Service struct {
	rc *retryablehttp.Client
	r  *resty.Client
}

func NewService() *Service {
	return &Service{rc: retryablehttp.NewClient(), r: resty.New()}
}

func (s *Service) Get(u string) error {
	resp, err := s.rc.Get(u) // want `KA1004`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (s *Service) Fetch(u string) (string, error) {
	r, err := s.r.R().Get(u)
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

var shared = cleanhttp.DefaultPooledClient()

// WithShared gives resty a client with a Transport of its own: no new pool.
func WithShared(u string) (string, error) {
	r, err := resty.NewWithClient(shared).R().Get(u)
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

// Built returns the client to its caller, which keeps it.
func Built() *retryablehttp.Client {
	c := retryablehttp.NewClient()
	c.RetryMax = 5
	return c
}
