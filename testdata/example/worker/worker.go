// Package worker pushes order events to the fulfilment service, retrying
// while it is unavailable.
package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Event is an order event.
type Event struct {
	OrderID string `json:"order_id"`
	Kind    string `json:"kind"`
}

// Pusher sends events to the fulfilment service.
type Pusher struct {
	URL     string
	Retries int
	Backoff time.Duration
	client  *http.Client
}

// NewPusher returns a Pusher whose client is built once and reused.
func NewPusher(url string) *Pusher {
	return &Pusher{URL: url, Retries: 3, Backoff: 50 * time.Millisecond, client: &http.Client{Timeout: 10 * time.Second}}
}

// Push sends one event, retrying on 503.
func (p *Pusher) Push(ctx context.Context, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	for attempt := 0; attempt <= p.Retries; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := p.client.Do(req)
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			time.Sleep(p.Backoff)
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("push %s: %s", ev.OrderID, resp.Status)
		}
		return nil
	}
	return errors.New("push: fulfilment unavailable")
}

// PushAll sends a batch of events through a dedicated transport.
func (p *Pusher) PushAll(ctx context.Context, evs []Event) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for _, ev := range evs {
		body, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
	}
	return nil
}

// Drain pushes events as they arrive until ch is closed.
func (p *Pusher) Drain(ctx context.Context, ch <-chan Event) error {
	for ev := range ch {
		if err := p.Push(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}
