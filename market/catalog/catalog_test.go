package catalog

import (
	"crypto/ed25519"
	"strings"
	"testing"
)

func TestTax(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		bp     int
		tax    int64
	}{{499, 2000, 83}, {100, 1900, 16}, {0, 2000, 0}, {1000, 0, 0}, {3999, 700, 262}} {
		if got := (Money{Amount: tc.amount, TaxRateBP: tc.bp}).Tax(); got != tc.tax {
			t.Errorf("%d at %d bp: tax %d, want %d", tc.amount, tc.bp, got, tc.tax)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Product{ID: "app.x", Kind: KindApp, Category: "c", Titles: map[string]string{"en": "X"}, Price: Money{Amount: 1, Currency: "EUR"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, mut := range map[string]func(p *Product){
		"id":        func(p *Product) { p.ID = "X" },
		"kind":      func(p *Product) { p.Kind = "car" },
		"titles.en": func(p *Product) { p.Titles = map[string]string{"de": "X"} },
		"currency":  func(p *Product) { p.Price.Currency = "euro" },
		"period":    func(p *Product) { p.Period = "monthly" },
		"content":   func(p *Product) { p.Kind = KindContent },
		"service":   func(p *Product) { p.Kind = KindService },
	} {
		p := ok
		mut(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func TestRenderCachesAndFilters(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	prods := []Product{
		{ID: "app.a", Kind: KindApp, Category: "nav", Titles: map[string]string{"en": "Alpha", "de": "Alfa"}, Descriptions: map[string]string{"en": "first"}, Price: Money{Amount: 1, Currency: "EUR"}},
		{ID: "sub.b", Kind: KindSubscription, Period: "yearly", Category: "fun", Titles: map[string]string{"en": "Beta"}, Tags: []string{"music"}, Price: Money{Amount: 2, Currency: "EUR"}},
	}
	cr, pr, err := Rows([]Category{{ID: "nav", Titles: map[string]string{"en": "Navigation"}}}, prods)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(3, cr, pr, key)
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := s.Render(Query{Lang: "de-AT"})
	r2, _ := s.Render(Query{Lang: "de-AT"})
	if r1 != r2 || !strings.Contains(string(r1.Body), `"title":"Alfa"`) || !strings.Contains(string(r1.Body), `"title":"Beta"`) {
		t.Fatalf("render: %s", r1.Body)
	}
	r3, _ := s.Render(Query{Text: "MUSIC"})
	if strings.Contains(string(r3.Body), "app.a") || !strings.Contains(string(r3.Body), "sub.b") || r3.ETag == r1.ETag {
		t.Fatalf("search: %s", r3.Body)
	}
}
