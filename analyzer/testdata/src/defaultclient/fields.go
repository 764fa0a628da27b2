package defaultclient

import (
	"io"
	"net/http"
)

// --- reported: an unexported field that only ever holds http.DefaultClient ---

type api struct {
	hc   *http.Client
	base string
}

func newAPI(base string) *api { return &api{hc: http.DefaultClient, base: base} }

func (a *api) fetch() error {
	resp, err := a.hc.Get(a.base) // want `the field hc \(http.DefaultClient, set at line 15\) has no timeout.*no fix: the field hc is only ever set to http.DefaultClient, so set it to a shared client instead`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

type positional struct{ c *http.Client }

var posField = positional{http.DefaultClient}

func ViaPositionalField(req *http.Request) error {
	resp, err := posField.c.Do(req) // want `the field c \(http.DefaultClient, set at line 29\)`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- not reported: the field may hold another client ---

// The default, until an option replaces it.
type service struct{ hc *http.Client }

type option func(*service)

func withClient(c *http.Client) option { return func(s *service) { s.hc = c } }

func newService(opts ...option) *service {
	s := &service{hc: http.DefaultClient}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *service) fetch(u string) error {
	resp, err := s.hc.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// A field set from the caller's client, nil meaning the default.
type wrapper struct{ hc *http.Client }

func newWrapper(hc *http.Client) *wrapper {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &wrapper{hc: hc}
}

func (w *wrapper) fetch(u string) error {
	resp, err := w.hc.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// Exported: callers may set it.
type Public struct{ HC *http.Client }

func NewPublic() *Public { return &Public{HC: http.DefaultClient} }

func (p *Public) Fetch(u string) error {
	resp, err := p.HC.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// Its address is taken: it may be set through the pointer.
type byPointer struct{ hc *http.Client }

func newPointed(set func(**http.Client)) *byPointer {
	p := &byPointer{hc: http.DefaultClient}
	set(&p.hc)
	return p
}

func (p *byPointer) fetch(u string) error {
	resp, err := p.hc.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

var _ = []any{newAPI, newService, withClient, newWrapper, newPointed}
