package unusedimport

import (
	"io"
	"net/http"
	"time"
)

// Status gets u and returns its status code.
func Status(u string, wait time.Duration) (int, error) {
	time.Sleep(wait)
	resp, err := http.Get(u) // want `http.Get sends` "KA1005"
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Copy is here for its use of io.
func Copy(w io.Writer, r io.Reader) error {
	_, err := io.Copy(w, r)
	return err
}
