// Command transportmain builds its transports in main, once per process.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"time"
)

func drain(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 5 * time.Second}
}

var health *http.Client

func init() {
	health = &http.Client{Transport: &http.Transport{}}
	if resp, err := (&http.Client{Transport: &http.Transport{}}).Get("http://localhost/ready"); err == nil {
		drain(resp)
	}
}

func main() {
	flag.Parse()

	// --- not reported: once per process ---
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	c := &http.Client{Transport: tr}
	for _, u := range flag.Args() {
		resp, err := c.Get(u)
		if err != nil {
			log.Print(err)
			continue
		}
		drain(resp)
	}
	if resp, err := newClient().Get("http://localhost/done"); err == nil {
		drain(resp)
	}
	go func() {
		poller := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		for range time.Tick(time.Minute) {
			if resp, err := poller.Get("http://localhost/poll"); err == nil {
				drain(resp)
			}
		}
	}()

	// --- reported: per iteration ---
	for _, u := range flag.Args() {
		t := new(http.Transport) // want `http.Transport built inside a loop and used for requests in it`
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if resp, err := t.RoundTrip(req); err == nil {
			drain(resp)
		}
	}
	for _, u := range flag.Args() {
		if resp, err := newClient().Get(u); err == nil { // want `newClient builds a new http.Transport per call and is called inside a loop for requests`
			drain(resp)
		}
	}
}
