// Package viaapilib is a client library whose callers never import
// net/http: they hold its responses, clients and services through its API.
package viaapilib

import (
	"io"
	"net/http"
	"time"
)

var shared = &http.Client{Timeout: 10 * time.Second}

// Fetch returns a live response for the caller to close.
func Fetch(u string) (*http.Response, error) { return shared.Get(u) }

// Response is net/http's, under another name.
type Response = *http.Response

// Open returns a live response under the alias.
func Open(u string) (Response, error) { return shared.Get(u) }

// Responses sends to every URL and returns the live responses.
func Responses(urls []string) []*http.Response {
	var out []*http.Response
	for _, u := range urls {
		if resp, err := shared.Get(u); err == nil {
			out = append(out, resp)
		}
	}
	return out
}

// Service holds a client with a Transport of its own: NewService is a
// factory of a struct, whose signature mentions nothing of net/http.
type Service struct{ hc *http.Client }

func NewService() *Service {
	return &Service{hc: &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}}
}

// Ping sends through the service's client and closes what it gets.
func (s *Service) Ping(u string) error {
	resp, err := s.hc.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// Default is net/http's default client, under a name of the library.
var Default = http.DefaultClient

// Close drains and closes a response.
func Close(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// Size answers without a response in sight.
func Size(u string) int { return len(u) }

// Getter sends for its callers; an interface method has no facts, only
// its signature.
type Getter interface {
	Get(u string) (*http.Response, error)
}

// Opener is Getter with the response under its alias.
type Opener interface {
	Open(u string) (Response, error)
}
