package transport

import (
	"net/http"
	"net/http/httputil"
	"net/url"
)

var backend, _ = url.Parse("http://backend.internal")

// --- reported ---

// A proxy built per request with a Transport of its own dials the backend
// afresh for every request it serves.
func ProxyPerRequest(w http.ResponseWriter, r *http.Request) {
	p := httputil.NewSingleHostReverseProxy(backend)
	p.Transport = &http.Transport{MaxIdleConnsPerHost: 32} // want `http.Transport built per call`
	p.ServeHTTP(w, r)
}

func ProxyLiteralPerRequest(w http.ResponseWriter, r *http.Request) {
	p := &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(backend) },
		Transport: &http.Transport{}, // want `http.Transport built per call`
	}
	p.ServeHTTP(w, r)
}

// --- not reported ---

var proxyTransport = &http.Transport{MaxIdleConnsPerHost: 32}

// A proxy built per request around a shared Transport (or none, which is
// http.DefaultTransport) shares its pool.
func ProxySharedTransport(w http.ResponseWriter, r *http.Request) {
	p := httputil.NewSingleHostReverseProxy(backend)
	p.Transport = proxyTransport
	p.ServeHTTP(w, r)
}

func ProxyDefaultTransport(w http.ResponseWriter, r *http.Request) {
	httputil.NewSingleHostReverseProxy(backend).ServeHTTP(w, r)
}

// A proxy built once, with its Transport, and kept.
type gateway struct{ proxy *httputil.ReverseProxy }

func newGateway() *gateway {
	p := httputil.NewSingleHostReverseProxy(backend)
	p.Transport = &http.Transport{MaxIdleConnsPerHost: 32}
	return &gateway{proxy: p}
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.proxy.ServeHTTP(w, r) }
