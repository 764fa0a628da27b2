package bodydrain

import (
	"context"
	"errors"
	"net/http"
)

// --- quiet: the request asks for its connection to be closed, so no read
// of the body could keep it (KA1003 reports the header itself) ---

func ProbeConnectionClose(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Connection", "close")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= http.StatusInternalServerError {
		return errors.New("unavailable")
	}
	return nil
}

func ProbeReqClose(c *http.Client, url string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Close = true
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	return res.StatusCode, nil
}

// --- reported: the close is asked for on another request ---

func OtherRequestCloses(c *http.Client, url string) (int, error) {
	first, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	first.Close = true
	second, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.Do(second) // want `res\.Body is closed unread at line 59`
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	return res.StatusCode, nil
}
