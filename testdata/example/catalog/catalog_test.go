package catalog_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/shop/catalog"
)

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "p1" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(catalog.Product{ID: "p1", Name: "Teapot", PriceCents: 1250})
	})
	mux.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode([]catalog.Product{{ID: "p1", Name: "Teapot"}, {ID: "p2", Name: "Cup"}})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestProduct(t *testing.T) {
	c := catalog.New(newServer(t).URL)
	p, err := c.Product(context.Background(), "p1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Teapot" || p.PriceCents != 1250 {
		t.Errorf("Product = %+v", p)
	}
	if _, err := c.Product(context.Background(), "nope"); err == nil {
		t.Error("Product(nope) succeeded, want an error for 404")
	}
}

func TestProducts(t *testing.T) {
	ps, err := catalog.New(newServer(t).URL).Products(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[1].ID != "p2" {
		t.Errorf("Products = %+v", ps)
	}
}

func TestPingExistsPrice(t *testing.T) {
	c := catalog.New(newServer(t).URL)
	if !c.Ping() {
		t.Error("Ping = false, want true")
	}
	ok, err := c.Exists(context.Background(), "p1")
	if err != nil || !ok {
		t.Errorf("Exists(p1) = %v, %v", ok, err)
	}
	price, err := c.Price(context.Background(), "p1")
	if err != nil || price != 1250 {
		t.Errorf("Price(p1) = %d, %v", price, err)
	}
	if _, err := c.Price(context.Background(), "nope"); err == nil {
		t.Error("Price(nope) succeeded, want an error")
	}
}

func TestWithHTTPClient(t *testing.T) {
	srv := newServer(t)
	c := catalog.New(srv.URL, catalog.WithHTTPClient(srv.Client()))
	if _, err := c.Product(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
}
