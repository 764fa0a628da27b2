package adjacent

import (
	"io"
	"net/http"
)

// Two checks whose fixes touch neighbouring lines: the import block gets
// two different additions, and two closes sit one after the other. The
// request that asks for Connection: close is read to EOF: a body closed
// unread keeps the setting (analyzer/testdata/src/closeunread).
func Two(u string, req *http.Request) (int, error) {
	req.Close = true         // want `req.Close = true`
	resp, err := http.Get(u) // want `http.Get sends` "KA1005"
	if err != nil {
		return 0, err
	}
	other, err := http.DefaultClient.Do(req) // want `http.DefaultClient`
	if err != nil {
		resp.Body.Close()
		return 0, err
	}
	data, err := io.ReadAll(other.Body)
	resp.Body.Close()
	other.Body.Close()
	return resp.StatusCode + len(data), err
}
