package closeunread

import (
	"io"
	"net/http"
)

// --- no fix: the response is closed unread, so removing the setting
// alone would not reuse the connection (and KA1005 is quiet while the
// request closes its connection) ---

func Probe(c *http.Client, url string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Connection", "close") // want `remove it; no fix: the response of the request, sent at line 18, is closed unread`
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	return res.StatusCode, nil
}

func Param(c *http.Client, req *http.Request) (int, error) {
	req.Close = true // want `req.Close = true closes the connection after this request: remove it so the connection can be reused; no fix: the response of the request, sent at line 28`
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// client lives for the process: its Transport pools connections.
var client = &http.Client{}

// --- fixed: the body is read to EOF, so once the setting is gone the
// connection goes back to the pool ---

func ReadAll(url string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Close = true // want `req.Close = true closes the connection after this request: remove it so the connection can be reused$`
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}
