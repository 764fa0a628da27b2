package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

func drain(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// --- reported ---

func FetchViaProxy(proxy *url.URL, target string) error {
	client := &http.Client{
		Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, // want `http.Transport built per call and used for requests in this function: each call opens new connections; build it once \(package level or in a constructor\) and reuse it`
		Timeout:   10 * time.Second,
	}
	resp, err := client.Get(target)
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}

func FetchInsecure(ctx context.Context, u string) (*http.Response, error) {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} // want `http.Transport built per call`
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

func CloneDefault(u string) (*http.Response, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // want `http.Transport built per call`
	tr.MaxIdleConnsPerHost = 100
	return (&http.Client{Transport: tr}).Get(u)
}

func RoundTripNew(req *http.Request) (*http.Response, error) {
	return new(http.Transport).RoundTrip(req) // want `http.Transport built per call`
}

func ValueTransport(u string) (*http.Response, error) {
	t := http.Transport{MaxIdleConns: 10} // want `http.Transport built per call`
	c := http.Client{Transport: &t}
	return c.Head(u)
}

func ZeroValueTransport(req *http.Request) (*http.Response, error) {
	var t http.Transport // want `http.Transport built per call`
	var rt http.RoundTripper = &t
	return rt.RoundTrip(req)
}

func SetTransportField(u string, form url.Values) (*http.Response, error) {
	c := &http.Client{Timeout: time.Second}
	c.Transport = &http.Transport{DisableCompression: true} // want `http.Transport built per call`
	return c.PostForm(u, form)
}

func FetchAll(urls []string) {
	for _, u := range urls {
		c := &http.Client{Transport: &http.Transport{}} // want `http.Transport built inside a loop and used for requests in it: each iteration opens new connections; build it once before the loop and reuse it`
		if resp, err := c.Get(u); err == nil {
			drain(resp)
		}
	}
}

func FetchConcurrently(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{ResponseHeaderTimeout: time.Second} // want `http.Transport built inside a loop`
			if resp, err := tr.RoundTrip(mustRequest(u)); err == nil {
				drain(resp)
			}
		}()
	}
	wg.Wait()
}

func mustRequest(u string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return req
}

func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 1}, Timeout: 5 * time.Second}
}

func newTLSClient(cfg *tls.Config) (*http.Client, error) {
	if cfg == nil {
		return nil, errors.New("no TLS config")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr}, nil
}

// newTransport is a factory of a factory's transport.
func newTransport() http.RoundTripper { return &http.Transport{} }

func newWrappedClient() *http.Client { return &http.Client{Transport: newTransport()} }

func Ping(u string) error {
	resp, err := newClient().Get(u) // want `newClient builds a new http.Transport per call and its result is used for requests in this function: each call opens new connections; build the client once \(package level or in a constructor\) and reuse it`
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}

func Post(u string, body io.Reader) (*http.Response, error) {
	c := newWrappedClient() // want `newWrappedClient builds a new http.Transport per call`
	return c.Post(u, "application/json", body)
}

func Secure(cfg *tls.Config, req *http.Request) (*http.Response, error) {
	c, err := newTLSClient(cfg) // want `newTLSClient builds a new http.Transport per call`
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

func PingAll(urls []string) {
	for _, u := range urls {
		if resp, err := newClient().Head(u); err == nil { // want `newClient builds a new http.Transport per call and is called inside a loop for requests: each iteration opens new connections; call it once before the loop and reuse its result`
			drain(resp)
		}
	}
}

// Register builds a handler; the transport is built for each request it
// serves.
func Register(mux *http.ServeMux, upstream string) {
	mux.HandleFunc("/proxy", func(w http.ResponseWriter, r *http.Request) {
		c := &http.Client{Transport: &http.Transport{}} // want `http.Transport built per call`
		resp, err := c.Get(upstream + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
}

// BatchFetch reuses connections within a batch, but each call of it starts
// an empty pool and leaves its idle connections behind.
func BatchFetch(urls []string) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}} // want `http.Transport built per call`
	for _, u := range urls {
		if resp, err := c.Get(u); err == nil {
			drain(resp)
		}
	}
}

var dialer = &net.Dialer{Timeout: time.Second}

func DialsShared(u string) (*http.Response, error) {
	tr := &http.Transport{ // want `http.Transport built per call`
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}
	return tr.RoundTrip(mustRequest(u))
}

type Svc struct{ base string }

func (s *Svc) client() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}}
}

func (s *Svc) Get(path string) (*http.Response, error) {
	return s.client().Get(s.base + path) // want `client builds a new http.Transport per call`
}

// --- not reported ---

// OverPipe dials into a net.Pipe of this call: the transport cannot be
// shared.
func OverPipe(req *http.Request) (*http.Response, error) {
	cli, srv := net.Pipe()
	defer srv.Close()
	go serveOne(srv)
	tr := &http.Transport{
		Dial: func(network, addr string) (net.Conn, error) { return cli, nil },
	}
	defer tr.CloseIdleConnections()
	return tr.RoundTrip(req)
}

// A dial closure over values of the call (a socket path, an address pinned
// for DNS) does not own its connections: the pool is still per call.
func ViaSocket(path, u string) (*http.Response, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // want `http.Transport built per call.*no fix: its DialContext is set from a closure over path, which is known only when ViaSocket runs`
	tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, "unix", path)
	}
	return (&http.Client{Transport: tr}).Get(u)
}

func PinnedAddr(u, addr string) (*http.Response, error) {
	c := &http.Client{Transport: &http.Transport{ // want `http.Transport built per call`
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	return c.Get(u)
}

func serveOne(c net.Conn) {}

var shared = &http.Transport{MaxIdleConnsPerHost: 16}

// Package-level: built once.
var sharedClient = &http.Client{Transport: &http.Transport{}}

func NilTransportPerCall(u string) (*http.Response, error) {
	c := &http.Client{Timeout: 5 * time.Second} // shares http.DefaultTransport
	return c.Get(u)
}

func SharedTransportPerCall(u string) (*http.Response, error) {
	c := &http.Client{Transport: shared, Timeout: time.Second}
	return c.Get(u)
}

func DefaultTransportPerCall(u string) (*http.Response, error) {
	c := &http.Client{Transport: http.DefaultTransport}
	return c.Get(u)
}

type API struct {
	c    *http.Client
	base string
}

// Constructors keep what they build.
func NewAPI(base string) *API {
	return &API{c: &http.Client{Transport: &http.Transport{}}, base: base}
}

func NewClient() *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 32}
	return &http.Client{Transport: tr}
}

func NewAPIChecked(base string) (*API, error) {
	api := &API{base: base}
	tr := &http.Transport{}
	api.c = &http.Client{Transport: tr}
	if _, err := api.c.Head(base); err != nil { // a check at construction, then kept
		return nil, err
	}
	return api, nil
}

func (a *API) Reconfigure(timeout time.Duration) {
	c := &http.Client{Transport: &http.Transport{IdleConnTimeout: timeout}}
	a.c = c
}

var (
	once       sync.Once
	onceClient *http.Client
)

func Client() *http.Client {
	once.Do(func() {
		onceClient = &http.Client{Transport: &http.Transport{}}
	})
	return onceClient
}

func LazyLocalOnce(u string) (*http.Response, error) {
	var c *http.Client
	var o sync.Once
	o.Do(func() { c = &http.Client{Transport: &http.Transport{}} })
	return c.Get(u)
}

var (
	mu      sync.Mutex
	clients = map[string]*http.Client{}
)

// ClientFor keeps one client per proxy.
func ClientFor(proxy *url.URL) *http.Client {
	mu.Lock()
	defer mu.Unlock()
	c, ok := clients[proxy.String()]
	if !ok {
		c = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
		clients[proxy.String()] = c
	}
	return c
}

// cachedClient returns a client it may have built before: not a factory.
func cachedClient() *http.Client {
	mu.Lock()
	defer mu.Unlock()
	if c, ok := clients[""]; ok {
		return c
	}
	c := &http.Client{Transport: &http.Transport{}}
	clients[""] = c
	return c
}

func UseCached(u string) (*http.Response, error) { return cachedClient().Get(u) }

func sharedOrNew(useShared bool) *http.Client {
	if useShared {
		return sharedClient
	}
	return &http.Client{Transport: &http.Transport{}}
}

func MaybeShared(u string) (*http.Response, error) { return sharedOrNew(true).Get(u) }

// BuildPool builds one client per upstream, kept for reuse.
func BuildPool(upstreams []string) map[string]*http.Client {
	pool := make(map[string]*http.Client, len(upstreams))
	for _, u := range upstreams {
		c := &http.Client{Transport: &http.Transport{}}
		if resp, err := c.Head(u); err == nil {
			drain(resp)
		}
		pool[u] = c
	}
	return pool
}

func ListOfClients(n int) []*http.Client {
	var cs []*http.Client
	for range n {
		cs = append(cs, &http.Client{Transport: &http.Transport{}})
	}
	return cs
}

func Publish(ch chan<- *http.Client) {
	c := &http.Client{Transport: &http.Transport{}}
	ch <- c
}

type logging struct{ next http.RoundTripper }

func (l logging) RoundTrip(req *http.Request) (*http.Response, error) { return l.next.RoundTrip(req) }

func NewLogging() http.RoundTripper {
	return logging{next: &http.Transport{}}
}

func configure(t *http.Transport) { t.ForceAttemptHTTP2 = true }

func PassedOn(u string) (*http.Response, error) {
	t := &http.Transport{}
	configure(t) // may keep it
	return (&http.Client{Transport: t}).Get(u)
}

// Fetcher returns a closure: the transport lives as long as it does.
func Fetcher() func(string) (*http.Response, error) {
	c := &http.Client{Transport: &http.Transport{}}
	return func(u string) (*http.Response, error) { return c.Get(u) }
}

// Serve registers a handler that shares one transport for all requests.
func Serve(mux *http.ServeMux, upstream string) {
	c := &http.Client{Transport: &http.Transport{}}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		resp, err := c.Get(upstream)
		if err != nil {
			return
		}
		drain(resp)
	})
}

type Worker struct{ run func() }

func (w *Worker) Start(u string) {
	c := &http.Client{Transport: &http.Transport{}}
	w.run = func() {
		if resp, err := c.Get(u); err == nil {
			drain(resp)
		}
	}
}

func Keep(c *http.Client) {}

// Built but never used to send: nothing to reuse.
func Unused() *http.Transport {
	t := &http.Transport{}
	t.MaxIdleConns = 4
	return nil
}
