package main

import (
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	// One-shot CLI: quiet.
	resp, err := http.Get(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(os.Stdout, resp.Body)
	resp.Body.Close()

	for _, u := range os.Args[2:] {
		resp, err := http.Get(u) // want `http.Get sends`
		if err != nil {
			continue
		}
		io.Copy(os.Stdout, resp.Body)
		resp.Body.Close()
	}

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.DefaultClient.Get("http://backend/") // want `http.DefaultClient has no timeout`
		if err != nil {
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

func init() {
	resp, err := http.Head("http://config/")
	if err == nil {
		resp.Body.Close()
	}
}

func fetchOnce(u string) {
	resp, err := http.Get(u)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
