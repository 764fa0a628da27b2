// Command loaddriver is written by internal/loadbench into a copy of
// testdata/example (cmd/loaddriver/main.go) and built there, once in the
// copy as written and once in the copy rewritten by keepalivefix -w. It
// calls the example's client code against loopback servers and prints one
// JSON object per scenario on stdout.
//
// It is not part of the keepalivefix module: it lives under testdata and
// imports example.com/shop.
package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"example.com/shop/catalog"
	"example.com/shop/frontend"
	"example.com/shop/worker"
)

// result is one scenario's figures. Keep in step with loadbench.Result.
type result struct {
	Scenario       string  `json:"scenario"`
	TLS            bool    `json:"tls"`
	Requests       int     `json:"requests"`
	Calls          int     `json:"calls"`
	Concurrency    int     `json:"concurrency"`
	NewConns       int64   `json:"new_conns"`
	NewConns2nd    int64   `json:"new_conns_2nd_half"`
	Errors         int64   `json:"errors"`
	Seconds        float64 `json:"seconds"`
	ReqPerSec      float64 `json:"req_per_sec"`
	P50ms          float64 `json:"p50_ms"`
	P99ms          float64 `json:"p99_ms"`
	GoroutinesLeft int     `json:"goroutines_left"`
}

// backend is a loopback server that counts the connections it accepts.
type backend struct {
	ts    *httptest.Server
	conns atomic.Int64
	reqs  atomic.Int64
}

func newBackend(h http.Handler, useTLS bool) *backend {
	b := &backend{}
	b.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.reqs.Add(1)
		h.ServeHTTP(w, r)
	}))
	b.ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			b.conns.Add(1)
		}
	}
	// A client that closes a connection mid-handshake or mid-request is
	// what half of the scenarios do; the server need not log it.
	b.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		b.ts.StartTLS()
		trust(b.ts)
	} else {
		b.ts.Start()
	}
	return b
}

var trustOnce sync.Once

// trust makes the process's default root pool accept the test server's
// certificate (the same self-signed one for every httptest server), so that
// the example's transports, built with no TLS configuration of their own,
// verify it like any other server: the pool is read from SSL_CERT_FILE on
// the first verification, after this.
func trust(ts *httptest.Server) {
	trustOnce.Do(func() {
		f := filepath.Join(os.TempDir(), fmt.Sprintf("loaddriver-%d.pem", os.Getpid()))
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
		if err := os.WriteFile(f, pemBytes, 0o600); err != nil {
			log.Fatal(err)
		}
		os.Setenv("SSL_CERT_FILE", f)
		os.Setenv("SSL_CERT_DIR", "")
	})
}

func productJSON(id string) []byte {
	b, _ := json.Marshal(catalog.Product{ID: id, Name: "Product " + id, PriceCents: 1999})
	return b
}

// catalogHandler is the catalog service: a product list (large enough to be
// sent chunked), single products, a health check.
func catalogHandler(listStatus int) http.Handler {
	list := make([]catalog.Product, 40)
	for i := range list {
		list[i] = catalog.Product{ID: fmt.Sprint(i), Name: fmt.Sprintf("Product number %d of the shop", i), PriceCents: 100 * i}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/products":
			w.Header().Set("Content-Type", "application/json")
			if listStatus != http.StatusOK {
				w.WriteHeader(listStatus)
				io.WriteString(w, `{"error":"catalog index is being rebuilt, retry later"}`+"\n")
				return
			}
			json.NewEncoder(w).Encode(list)
		case strings.HasPrefix(r.URL.Path, "/products/"):
			w.Header().Set("Content-Type", "application/json")
			w.Write(productJSON(strings.TrimPrefix(r.URL.Path, "/products/")))
		case r.URL.Path == "/healthz":
			io.WriteString(w, "ok\n")
		default:
			http.NotFound(w, r)
		}
	})
}

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"status":"accepted"}`+"\n")
	})
}

func priceHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "1999\n")
	})
}

// scenario is one client path of the example: setup starts its backends
// and returns the call to make (one call may send several requests) and the
// backends whose connections are counted.
type scenario struct {
	name        string
	reqsPerCall int
	setup       func(useTLS bool) (call func(ctx context.Context, i int) error, bs []*backend)
}

var scenarios = []scenario{
	{name: "catalog.Products", reqsPerCall: 1, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		b := newBackend(catalogHandler(http.StatusOK), t)
		c := catalog.New(b.ts.URL)
		return func(ctx context.Context, i int) error {
			ps, err := c.Products(ctx)
			if err == nil && len(ps) != 40 {
				err = fmt.Errorf("%d products", len(ps))
			}
			return err
		}, []*backend{b}
	}},
	{name: "catalog.Products-503", reqsPerCall: 1, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		b := newBackend(catalogHandler(http.StatusServiceUnavailable), t)
		c := catalog.New(b.ts.URL)
		return func(ctx context.Context, i int) error {
			_, err := c.Products(ctx)
			if err == nil || !strings.Contains(err.Error(), "503") {
				return fmt.Errorf("want a 503 error, got %v", err)
			}
			return nil
		}, []*backend{b}
	}},
	{name: "catalog.Ping", reqsPerCall: 1, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		b := newBackend(catalogHandler(http.StatusOK), t)
		c := catalog.New(b.ts.URL)
		return func(ctx context.Context, i int) error {
			if !c.Ping() {
				return fmt.Errorf("ping failed")
			}
			return nil
		}, []*backend{b}
	}},
	{name: "catalog.Price", reqsPerCall: 1, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		b := newBackend(catalogHandler(http.StatusOK), t)
		c := catalog.New(b.ts.URL)
		return func(ctx context.Context, i int) error {
			p, err := c.Price(ctx, fmt.Sprint(i))
			if err == nil && p != 1999 {
				err = fmt.Errorf("price %d", p)
			}
			return err
		}, []*backend{b}
	}},
	{name: "worker.Push", reqsPerCall: 1, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		b := newBackend(okHandler(), t)
		p := worker.NewPusher(b.ts.URL)
		return func(ctx context.Context, i int) error {
			return p.Push(ctx, worker.Event{OrderID: fmt.Sprint(i), Kind: "paid"})
		}, []*backend{b}
	}},
	{name: "worker.PushAll", reqsPerCall: 5, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		b := newBackend(okHandler(), t)
		p := worker.NewPusher(b.ts.URL)
		return func(ctx context.Context, i int) error {
			evs := make([]worker.Event, 5)
			for j := range evs {
				evs[j] = worker.Event{OrderID: fmt.Sprintf("%d-%d", i, j), Kind: "shipped"}
			}
			return p.PushAll(ctx, evs)
		}, []*backend{b}
	}},
	{name: "frontend.ServeHTTP", reqsPerCall: 2, setup: func(t bool) (func(context.Context, int) error, []*backend) {
		cat := newBackend(catalogHandler(http.StatusOK), t)
		pricing := newBackend(priceHandler(), t)
		s := &frontend.Server{Catalog: catalog.New(cat.ts.URL), PricingURL: pricing.ts.URL}
		return func(ctx context.Context, i int) error {
			r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/product?id="+fmt.Sprint(i), nil)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				return fmt.Errorf("frontend: %d %s", w.Code, w.Body.String())
			}
			return nil
		}, []*backend{cat, pricing}
	}},
}

func main() {
	n := flag.Int("n", 200, "requests per scenario (calls = n / requests per call)")
	c := flag.Int("c", 8, "concurrent callers")
	useTLS := flag.Bool("tls", false, "serve over TLS (HTTP/1.1)")
	only := flag.String("scenario", "", "run only the scenarios whose name contains this")
	settle := flag.Duration("settle", 100*time.Millisecond, "wait before counting goroutines left")
	flag.Parse()

	enc := json.NewEncoder(os.Stdout)
	for _, sc := range scenarios {
		if *only != "" && !strings.Contains(sc.name, *only) {
			continue
		}
		res := run(sc, *n, *c, *useTLS, *settle)
		if err := enc.Encode(res); err != nil {
			log.Fatal(err)
		}
	}
}

func run(sc scenario, n, conc int, useTLS bool, settle time.Duration) result {
	call, bs := sc.setup(useTLS)
	defer func() {
		for _, b := range bs {
			b.ts.Close()
		}
	}()
	calls := max(n/sc.reqsPerCall, 1)
	runtime.GC()
	base := runtime.NumGoroutine()

	connsNow := func() int64 {
		var n int64
		for _, b := range bs {
			n += b.conns.Load()
		}
		return n
	}
	var half atomic.Int64
	half.Store(-1)
	var errs atomic.Int64
	var firstErr atomic.Value
	lat := make([]time.Duration, calls)
	next := atomic.Int64{}
	ctx := context.Background()
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= calls {
					return
				}
				if i == calls/2 {
					half.Store(connsNow())
				}
				t0 := time.Now()
				if err := call(ctx, i); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	time.Sleep(settle)
	left := runtime.NumGoroutine() - base

	var conns, reqs int64
	for _, b := range bs {
		conns += b.conns.Load()
		reqs += b.reqs.Load()
	}
	if e := firstErr.Load(); e != nil {
		fmt.Fprintf(os.Stderr, "loaddriver: %s: %d errors, first: %s\n", sc.name, errs.Load(), e)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)]) / 1e6
	}
	return result{
		Scenario:       sc.name,
		TLS:            useTLS,
		Requests:       int(reqs),
		Calls:          calls,
		Concurrency:    conc,
		NewConns:       conns,
		NewConns2nd:    conns - max(half.Load(), 0),
		Errors:         errs.Load(),
		Seconds:        elapsed.Seconds(),
		ReqPerSec:      float64(reqs) / elapsed.Seconds(),
		P50ms:          pct(0.50),
		P99ms:          pct(0.99),
		GoroutinesLeft: left,
	}
}
