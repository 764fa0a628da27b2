package keepalivedisabled

import (
	"net/http"
	"net/url"
)

// --- quiet: a proxy of the code's choosing; a rotating proxy gives each
// new connection a new exit address, so keep-alive off is deliberate ---

func WithProxyFunc(proxy func(*http.Request) (*url.URL, error)) *http.Transport {
	return &http.Transport{
		Proxy:             proxy,
		DisableKeepAlives: true,
	}
}

func SwitchProxy(c *http.Client, proxy func(*http.Request) (*url.URL, error)) {
	if t, ok := c.Transport.(*http.Transport); ok {
		t.Proxy = proxy
		t.DisableKeepAlives = true
	}
}

func FixedProxy(u *url.URL) *http.Transport {
	return &http.Transport{Proxy: http.ProxyURL(u), DisableKeepAlives: true}
}

// --- reported: the environment's proxy, or none, says nothing of the sort ---

var envProxy = &http.Transport{Proxy: http.ProxyFromEnvironment, DisableKeepAlives: true} // want `DisableKeepAlives: true opens a new connection`

var nilProxy = &http.Transport{Proxy: nil, DisableKeepAlives: true} // want `DisableKeepAlives: true opens a new connection`

func OtherTransportProxied(a, b *http.Transport, proxy func(*http.Request) (*url.URL, error)) {
	a.Proxy = proxy
	b.DisableKeepAlives = true // want `DisableKeepAlives: true opens a new connection`
}

// A negative idle pool is not about the proxy: still reported.
func ProxiedNegativePool(proxy func(*http.Request) (*url.URL, error)) *http.Transport {
	return &http.Transport{Proxy: proxy, MaxIdleConnsPerHost: -1} // want `negative MaxIdleConnsPerHost`
}
