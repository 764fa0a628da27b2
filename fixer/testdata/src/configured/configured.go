package configured

import (
	"net/http"
	"time"
)

// Configure is how users of the package set a proxy or a timeout: through
// http.DefaultClient, which Send must keep using.
func Configure(rt http.RoundTripper) {
	http.DefaultClient.Transport = rt
	http.DefaultClient.Timeout = time.Minute
}

// Send posts to u through http.DefaultClient as configured.
func Send(u string) (int, error) {
	resp, err := http.Head(u) // want "KA1001.*no fix: this package configures http.DefaultClient .at configured.go:11."
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
