package frontend_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/shop/catalog"
	"example.com/shop/frontend"
)

func TestServeHTTP(t *testing.T) {
	cat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(catalog.Product{ID: "p1", Name: "Teapot"})
	}))
	defer cat.Close()
	pricing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("990"))
	}))
	defer pricing.Close()

	s := &frontend.Server{Catalog: catalog.New(cat.URL), PricingURL: pricing.URL}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/product?id=p1", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var p catalog.Product
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Name != "Teapot" || p.PriceCents != 990 {
		t.Errorf("product = %+v", p)
	}
}
