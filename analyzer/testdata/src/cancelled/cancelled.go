package cancelled

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

var hc = &http.Client{Timeout: 10 * time.Second}

// --- reported ---

func Fetch(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req) // want `KA1006: the response of hc.Do is returned at line 22, but defer cancel\(\) at line 17 cancels its request's context first`
}

func ThroughVariable(parent context.Context, req *http.Request) (*http.Response, error) {
	ctx, stop := context.WithCancel(parent)
	defer stop()
	req = req.WithContext(ctx)
	resp, err := hc.Do(req) // want `KA1006: the response of hc.Do is returned at line 33, but defer stop\(\) at line 27`
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func RoundTrip(rt http.RoundTripper, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithDeadline(req.Context(), time.Now().Add(time.Second))
	defer cancel()
	return rt.RoundTrip(req.Clone(ctx)) // want `KA1006: the response of rt.RoundTrip`
}

// --- not reported ---

// The body is read before the function returns.
func ReadHere(ctx context.Context, url string) ([]byte, *http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp, err
}

// The cancel goes with the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func CancelOnClose(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

// The request does not carry the cancelled context.
func OtherContext(ctx context.Context, url string) (*http.Response, error) {
	_, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

// The cancel is not deferred.
func NotDeferred(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	_ = cancel // handed to the caller's cleanup elsewhere
	return hc.Do(req)
}

// The response is not returned.
func Status(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return 0, errors.New(resp.Status)
	}
	return resp.StatusCode, nil
}
