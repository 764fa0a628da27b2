package defaultclient

import (
	"context"
	"io"
	"net/http"
	nethttp "net/http"
	"net/url"
	"retryablehttp"
	"strings"
)

// --- reported: a library package ---

func Fetch(u string) ([]byte, error) {
	resp, err := http.Get(u) // want `http.Get sends through http.DefaultClient, which has no timeout`
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func Probe(u string) error {
	resp, err := http.Head(u) // want `http.Head sends through http.DefaultClient`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func Submit(u string, body string) error {
	resp, err := http.Post(u, "text/plain", strings.NewReader(body)) // want `http.Post sends through http.DefaultClient`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func Login(u string, form url.Values) error {
	resp, err := http.PostForm(u, form) // want `http.PostForm sends through http.DefaultClient`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func Do(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req) // want `http.DefaultClient has no timeout`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func Renamed(u string) error {
	resp, err := nethttp.Get(u) // want `http.Get sends through http.DefaultClient`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func InLoop(urls []string) {
	for _, u := range urls {
		resp, err := http.DefaultClient.Get(u) // want `http.DefaultClient has no timeout`
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func InGoroutine(u string, done chan<- error) {
	go func() {
		resp, err := http.Get(u) // want `http.Get sends`
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		done <- err
	}()
}

type Store struct{ base string }

func (s *Store) Item(id string) error {
	resp, err := http.Get(s.base + "/items/" + id) // want `http.Get sends`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func Handler(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get("http://backend/") // want `http.Get sends`
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	io.Copy(w, resp.Body)
}

func ViaPointer(u string) error {
	c := http.DefaultClient
	resp, err := c.Get(u) // want `c \(http.DefaultClient, declared at line 121\) has no timeout`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- quiet ---

type Options struct{ Client *http.Client }

type API struct{ client *http.Client }

func NewAPI(opts Options) *API {
	c := opts.Client
	if c == nil {
		c = http.DefaultClient
	}
	return &API{client: c}
}

func (o Options) client() *http.Client {
	if o.Client != nil {
		return o.Client
	}
	return http.DefaultClient
}

func IsDefault(c *http.Client) bool { return c == http.DefaultClient }

func NewWithDefault() *API { return &API{client: http.DefaultClient} }

func (a *API) Get(u string) (*http.Response, error) { return a.client.Get(u) }

func LookAlikes(a *API, rc *retryablehttp.Client, u string) {
	if resp, err := a.Get(u); err == nil {
		resp.Body.Close()
	}
	if resp, err := retryablehttp.Get(u); err == nil && resp != nil {
		resp.Body.Close()
	}
	if resp, err := rc.Get(u); err == nil && resp != nil {
		resp.Body.Close()
	}
}

func Get(u string) error { return nil }

func LocalGet(u string) error { return Get(u) }

var shared = &http.Client{}

func Shared(u string) error {
	resp, err := shared.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func TransportIsShared() http.RoundTripper { return http.DefaultTransport }
