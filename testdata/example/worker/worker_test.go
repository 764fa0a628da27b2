package worker_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"example.com/shop/worker"
)

func TestPushRetriesUnavailable(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	p := worker.NewPusher(srv.URL)
	p.Backoff = 0
	if err := p.Push(context.Background(), worker.Event{OrderID: "o1", Kind: "paid"}); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
}

func TestPushGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	p := worker.NewPusher(srv.URL)
	p.Backoff = 0
	if err := p.Push(context.Background(), worker.Event{OrderID: "o1"}); err == nil {
		t.Fatal("Push succeeded against a server that is always unavailable")
	}
}

func TestPushAllAndDrain(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
	}))
	defer srv.Close()
	p := worker.NewPusher(srv.URL)
	evs := []worker.Event{{OrderID: "a"}, {OrderID: "b"}, {OrderID: "c"}}
	if err := p.PushAll(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	ch := make(chan worker.Event, len(evs))
	for _, ev := range evs {
		ch <- ev
	}
	close(ch)
	if err := p.Drain(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 6 {
		t.Errorf("server saw %d requests, want 6", got)
	}
}
