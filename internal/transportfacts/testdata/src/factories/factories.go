// Package factories holds functions that build a new pool on every call,
// and functions that do not.
package factories

import (
	"crypto/tls"
	"errors"
	"net/http"
	"sync"
	"time"
)

// --- factories ---

func NewTransport() *http.Transport { // want NewTransport:`factory\(result 0\)`
	return &http.Transport{IdleConnTimeout: time.Minute}
}

func NewTransportVar() *http.Transport { // want NewTransportVar:`factory\(result 0\)`
	t := &http.Transport{}
	t.TLSHandshakeTimeout = time.Second
	return t
}

func NoKeepAlive() *http.Transport { // want NoKeepAlive:`factory\(result 0 keepAliveOff\)`
	t := NewTransportVar()
	t.DisableKeepAlives = true
	return t
}

func NoIdle() *http.Client { // want NoIdle:`factory\(result 0 keepAliveOff\)`
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1}}
}

func NewClient(conf *tls.Config) (*http.Client, error) { // want NewClient:`factory\(result 0\)`
	if conf == nil {
		return nil, errors.New("no TLS configuration")
	}
	tr, err := newTransportErr(conf)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}, nil
}

func newTransportErr(conf *tls.Config) (*http.Transport, error) { // want newTransportErr:`factory\(result 0\)`
	return &http.Transport{TLSClientConfig: conf}, nil
}

func Cloned() http.RoundTripper { // want Cloned:`factory\(result 0\)`
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 10
	return t
}

// API is a struct that holds a client.
type API struct {
	hc   *http.Client
	base string
}

func NewAPI(base string) *API { // want NewAPI:`factory\(result 0\)`
	return &API{hc: &http.Client{Transport: NewTransport()}, base: base}
}

// Given sets a Transport only when the client has none, as resty does.
func Given(hc *http.Client) *API { // want Given:`factory\(result 0 unless 0\)`
	if hc.Transport == nil {
		hc.Transport = NewTransport()
	}
	a := &API{hc: hc}
	a.base = "http://localhost"
	return a
}

func Empty() *API { // want Empty:`factory\(result 0\)`
	return Given(&http.Client{Timeout: time.Second})
}

func Passed(hc *http.Client) *API { // want Passed:`factory\(result 0 unless 0\)`
	return Given(hc)
}

func Later() *http.Client { // want Later:`factory\(result 0\)`
	c := &http.Client{}
	c.Transport = newLater()
	return c
}

func newLater() *http.Transport { // want newLater:`factory\(result 0\)`
	return new(http.Transport)
}

// --- not factories ---

var shared = &http.Transport{}

func Shared() *http.Transport { return shared }

func SharedClient() *http.Client { return &http.Client{Transport: shared} }

func DefaultClient() *http.Client { return &http.Client{} }

var (
	mu    sync.Mutex
	cache = map[string]*http.Client{}
)

func Cached(host string) *http.Client {
	mu.Lock()
	defer mu.Unlock()
	if c, ok := cache[host]; ok {
		return c
	}
	c := &http.Client{Transport: &http.Transport{}}
	cache[host] = c
	return c
}

var once struct {
	sync.Once
	t *http.Transport
}

func Once() *http.Transport {
	once.Do(func() { once.t = &http.Transport{} })
	return once.t
}

func Stored(a *API) *http.Client {
	c := &http.Client{Transport: &http.Transport{}}
	a.hc = c
	return c
}

func Registered() *http.Transport {
	t := &http.Transport{}
	register(t)
	return t
}

func register(*http.Transport) {}

func WithGiven(hc *http.Client) *API {
	return &API{hc: hc}
}

func Chosen(pooled bool) *http.Transport {
	if pooled {
		return shared
	}
	return &http.Transport{}
}

func Captured() *http.Transport {
	t := &http.Transport{}
	go func() { _ = t }()
	return t
}
