// Package hoistclone clones http.DefaultTransport per call.
package hoistclone

import (
	"context"
	"net/http"
)

const perHost = 16

// Price clones the default transport on every call and turns keep-alive
// off for it: after the fix the clone is made once and keep-alive is on.
func Price(ctx context.Context, u string) (int, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // want `http.Transport built per call`
	tr.MaxIdleConnsPerHost = perHost
	tr.DisableKeepAlives = true // want `DisableKeepAlives: true opens`
	client := &http.Client{Transport: tr}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Connection", "close") // want `Connection: close`
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Tuned changes the clone after building the request from it: no fix.
func Tuned(u string, n int) (int, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // want `http.Transport built per call.*no fix: the function changes or releases tr`
	client := &http.Client{Transport: tr}
	tr.MaxIdleConnsPerHost = n
	resp, err := client.Head(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
