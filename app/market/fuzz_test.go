package market

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/entitle"
)

// fuzzKey is a fixed store key so seeds stay meaningful across runs.
var fuzzKey = ed25519.NewKeyFromSeed(make([]byte, 32))

func fuzzPub() ed25519.PublicKey { return fuzzKey.Public().(ed25519.PublicKey) }

func FuzzParseCatalogCache(f *testing.F) {
	body := []byte(`{"version":3,"lang":"en","categories":[{"id":"themes","title":"Themes"}],"products":[{"id":"app.x","kind":"app","category":"themes","title":"X","description":"d","price":{"amount":99,"currency":"EUR","tax_rate_bp":2000}}]}`)
	good, _ := json.Marshal(cacheFile{V: 1, ETag: `"e"`, Signature: entitle.SignCatalog(fuzzKey, body), FetchedAt: time.Unix(1700000000, 0).UTC(), Body: body})
	f.Add(good)
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":2,"body":"e30"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalogCache(fuzzPub(), data)
		if err != nil {
			if c != nil {
				t.Fatal("catalog with error")
			}
			return
		}
		// Whatever parsed was signed by the store: the body verifies.
		if entitle.VerifyCatalog(fuzzPub(), c.body, c.sig) != nil {
			t.Fatal("accepted an unsigned body")
		}
		for _, p := range c.Doc.Products {
			if p.ID == "" || p.Title == "" {
				t.Fatal("product without id or title")
			}
		}
	})
}

func FuzzParseEntitlementCache(f *testing.F) {
	vehicle := "veh_000000000000000000000000"
	tok, _ := entitle.Sign(fuzzKey, entitle.Entitlement{Serial: "ent_1", Purchase: "pur_1", Product: "app.x", Kind: "app", Vehicle: vehicle,
		IssuedAt: time.Unix(1700000000, 0), ValidUntil: time.Unix(1800000000, 0), Nonce: "n"})
	good, _ := json.Marshal(entFile{V: 1, Vehicle: vehicle, Tokens: []string{tok, "x.y"}})
	f.Add(good)
	f.Add([]byte(`{"v":1,"vehicle":"veh_000000000000000000000000","tokens":[]}`))
	f.Add([]byte(`{"v":1,"vehicle":"other","tokens":["a.b"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, _, err := ParseEntitlementCache(fuzzPub(), vehicle, data)
		if err != nil && list != nil {
			t.Fatal("entitlements with error")
		}
		for _, e := range list {
			if e.Vehicle != vehicle {
				t.Fatal("entitlement for another vehicle accepted")
			}
			if _, err := entitle.Parse(fuzzPub(), e.Token); err != nil {
				t.Fatalf("accepted token fails verification: %v", err)
			}
		}
	})
}

func FuzzParseThemePack(f *testing.F) {
	f.Add([]byte("name = \"A\"\nversion = 1\n[day]\nbackground = \"#FFFFFF\"\nforeground = \"#000000\"\n[night]\nbackground = \"#000000\"\nforeground = \"#FFFFFF\"\n"))
	f.Add([]byte("name = \"A\"\nversion = 2\n"))
	f.Add([]byte("[day]\nbackground = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseThemePack(data)
		if err != nil {
			return
		}
		for _, m := range []map[string]string{p.Day, p.Night} {
			for _, v := range m {
				if !hexColour.MatchString(v) {
					t.Fatalf("colour %q accepted", v)
				}
			}
		}
	})
}
