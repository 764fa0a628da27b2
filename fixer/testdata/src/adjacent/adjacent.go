package adjacent

import (
	"net/http"
)

// Two checks whose fixes touch neighbouring lines: the import block gets
// two different additions, and two closes sit one after the other.
func Two(u string, req *http.Request) (int, error) {
	req.Close = true         // want `req.Close = true`
	resp, err := http.Get(u) // want `http.Get sends`
	if err != nil {
		return 0, err
	}
	other, err := http.DefaultClient.Do(req) // want `http.DefaultClient`
	if err != nil {
		resp.Body.Close() // want `closed before it was read`
		return 0, err
	}
	resp.Body.Close()  // want `closed before it was read`
	other.Body.Close() // want `closed before it was read`
	return resp.StatusCode + other.StatusCode, nil
}
