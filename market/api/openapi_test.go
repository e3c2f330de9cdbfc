package api

import (
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fascia-hmi/fascia/market/catalog"
)

// TestOpenAPIMatchesServer keeps market/openapi.yaml and the server in
// step: every documented operation is routed, every route is documented,
// and the documented patterns are the ones the server enforces.
func TestOpenAPIMatchesServer(t *testing.T) {
	raw, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                               `yaml:"openapi"`
		Paths   map[string]map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	s := &Server{}
	s.routes()
	sample := strings.NewReplacer("{id}", "app.x", "{driver}", "anna")
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			m := strings.ToUpper(method)
			_, pattern := s.mux.Handler(httptest.NewRequest(m, sample.Replace(path), nil))
			if pattern == "" || pattern == "/" {
				t.Errorf("documented %s %s is not routed", m, path)
			}
			documented[pattern] = true
		}
	}
	if len(documented) < 15 {
		t.Fatalf("only %d documented operations found", len(documented))
	}
	for _, route := range routePatterns(t) {
		if !documented[route] {
			t.Errorf("route %q is not documented in openapi.yaml", route)
		}
	}
	for name, re := range map[string]*regexp.Regexp{
		"driver": driverPattern, "pin": pinPattern, "card number": cardPattern, "place_id": placePattern, "Idempotency-Key": idemKeyPattern,
		"vin": vinPattern, "code": codePattern, "purchase id": purchasePattern, "subscription id": subPattern,
		"product id": catalog.ProductIDPattern, "category": catalog.CategoryIDPattern, "lang": catalog.LangPattern,
	} {
		if !strings.Contains(string(raw), `pattern: "`+re.String()+`"`) {
			t.Errorf("%s pattern %s is not in openapi.yaml", name, re)
		}
	}
}

// routePatterns reads the patterns the server registers from its source,
// so a new route without documentation fails the test above.
func routePatterns(t *testing.T) []string {
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`s\.(?:handle|mux\.Handle)\("((?:GET|POST|PUT|DELETE) [^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 10 {
		t.Fatalf("found only %d routes in server.go", len(out))
	}
	return out
}
