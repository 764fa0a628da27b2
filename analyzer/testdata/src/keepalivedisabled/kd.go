package keepalivedisabled

import (
	"context"
	"io"
	"net/http"
	"time"
)

const never = true

type Config struct {
	KeepAlive bool
	MaxIdle   int
}

// --- reported ---

var noReuse = &http.Transport{DisableKeepAlives: true} // want `DisableKeepAlives: true opens a new connection for every request`

var negative = &http.Transport{MaxIdleConnsPerHost: -1} // want `negative MaxIdleConnsPerHost`

var named = &http.Transport{DisableKeepAlives: never} // want `DisableKeepAlives: true`

func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableKeepAlives = true // want `DisableKeepAlives: true`
	t.MaxIdleConnsPerHost = -5 // want `negative MaxIdleConnsPerHost`
	return t
}

func RequestClose(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Close = true                             // want `req.Close = true closes the connection`
	req.Header.Set("Connection", "close")        // want `hand-set "Connection: close" header`
	req.Header.Add("connection", "Close")        // want `hand-set "Connection: close" header`
	req.Header["Connection"] = []string{"close"} // want `hand-set "Connection: close" header`
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func PerRequestFlush(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	c.CloseIdleConnections() // want `CloseIdleConnections in the function that sends the request`
	return err
}

func PerRequestTransportFlush(t *http.Transport, req *http.Request) error {
	defer t.CloseIdleConnections() // want `CloseIdleConnections in the function that sends the request`
	resp, err := t.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- quiet ---

func FromConfig(cfg Config) *http.Transport {
	return &http.Transport{
		DisableKeepAlives:   !cfg.KeepAlive,
		MaxIdleConnsPerHost: cfg.MaxIdle,
	}
}

var kept = &http.Transport{DisableKeepAlives: false, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second}

func KeepOpen(req *http.Request) {
	req.Close = false
	req.Header.Set("Connection", "keep-alive")
	req.Header.Set("X-Close", "close")
}

func ServerSide(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusServiceUnavailable)
}

type Service struct{ client *http.Client }

func (s *Service) Close() error {
	s.client.CloseIdleConnections()
	return nil
}

func (s *Service) Reload(t *http.Transport) {
	old := s.client.Transport.(*http.Transport)
	s.client.Transport = t
	old.CloseIdleConnections()
}

type options struct{ DisableKeepAlives bool }

func LookAlikeField() options { return options{DisableKeepAlives: true} }

type fakeReq struct{ Close bool }

func LookAlikeClose(r *fakeReq) { r.Close = true }

func init() {
	http.DefaultClient.CloseIdleConnections()
}

// ServerReadsRequest builds the request a server hands to its handler: it
// is never sent, so Close only describes the incoming connection.
func ServerReadsRequest(params map[string]string) *http.Request {
	r := new(http.Request)
	if params["HTTP_CONNECTION"] == "close" {
		r.Close = true
	}
	return r
}

func OwnTransportCleanup(req *http.Request) error {
	t := &http.Transport{}
	defer t.CloseIdleConnections()
	resp, err := t.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
