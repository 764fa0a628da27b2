package defaultclient

import (
	"io"
	"net/http"
	"testing"
)

func TestFetch(t *testing.T) {
	resp, err := http.Get("http://127.0.0.1:1/")
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func ExampleFetch() {
	resp, err := http.Get("http://example.com/")
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
