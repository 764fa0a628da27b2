// Package frontend serves the shop's product pages, calling the catalog and
// pricing services for each request.
package frontend

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"example.com/shop/catalog"
)

// Server renders product pages.
type Server struct {
	Catalog    *catalog.Client
	PricingURL string
}

// ServeHTTP writes the product named by the "id" query parameter as JSON,
// with its current price from the pricing service.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	p, err := s.Catalog.Product(r.Context(), id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	price, err := s.price(r, id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.PriceCents = price
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(p)
}

// price asks the pricing service, through a client of its own.
func (s *Server) price(r *http.Request, id string) (int, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	client := &http.Client{Transport: tr}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.PricingURL+"/price?id="+id, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Connection", "close")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	var cents int
	if _, err := fmt.Sscan(string(b), &cents); err != nil {
		return 0, fmt.Errorf("pricing: %q: %w", b, err)
	}
	return cents, nil
}
