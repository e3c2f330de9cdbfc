// Package demo owns the demo catalog `fascia-market seed` loads: apps,
// monthly and yearly subscriptions, two content packs (a map region and a
// theme) as real files with SHA-256 and store signature, and parking and
// charging services. It must not run a server.
package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fascia-hmi/fascia/internal/atomicfile"
	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/store"
)

// Product IDs of the demo catalog that callers (tests, bench, the car's
// demo) refer to.
const (
	WeatherApp    = "app.weather-radar"
	TrafficMonth  = "sub.live-traffic-monthly"
	TrafficYear   = "sub.live-traffic-yearly"
	MapMonaco     = "content.map-monaco"
	ThemeAurora   = "content.theme-aurora"
	Parking       = "service.parking"
	Charging      = "service.charging"
	regionPackOut = "monaco.pmtiles"
)

// ThemePack is the theme pack file: a TOML palette for day and night.
const ThemePack = `# Fascia theme pack "Aurora" (demo content from fascia-market seed)
name = "Aurora"
version = 1

[day]
background = "#F4F7FB"
foreground = "#0B1B2B"
primary = "#1B7F79"
accent = "#6A4BC4"
warning = "#C77700"
error = "#C62828"

[night]
background = "#0A0F1A"
foreground = "#DCE6F2"
primary = "#2EC4B6"
accent = "#9B7BFF"
warning = "#FFB74D"
error = "#EF5350"
`

// RegionPackCandidates are where seed looks for the Monaco map region
// (a PMTiles archive) when none is given.
var RegionPackCandidates = []string{
	"../shared/data/tiles/monaco.pmtiles",
	"../../shared/data/tiles/monaco.pmtiles",
	"../../../shared/data/tiles/monaco.pmtiles",
}

// FindRegionPack returns the first existing candidate.
func FindRegionPack() (string, error) {
	for _, c := range RegionPackCandidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", fmt.Errorf("demo: no map region pack found (looked for %v); pass --region-pack FILE.pmtiles", RegionPackCandidates)
}

// putContent copies data into dir under its SHA-256 (temp + rename) and
// returns the signed manifest.
func putContent(dir string, key ed25519.PrivateKey, product, name string, data []byte) (*catalog.Content, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	dst := filepath.Join(dir, h)
	if _, err := os.Stat(dst); err != nil {
		if err := atomicfile.WriteBytes(dst, data, 0o600); err != nil {
			return nil, fmt.Errorf("demo: content %s: %w", name, err)
		}
	}
	return &catalog.Content{File: name, Size: int64(len(data)), SHA256: h, Signature: entitle.SignContent(key, product, int64(len(data)), h)}, nil
}

func t3(en, de, fr string) map[string]string { return map[string]string{"en": en, "de": de, "fr": fr} }

// Catalog builds the demo catalog, writing content files into contentDir.
func Catalog(key ed25519.PrivateKey, contentDir string, regionPack []byte) ([]catalog.Category, []catalog.Product, error) {
	mapPack, err := putContent(contentDir, key, MapMonaco, regionPackOut, regionPack)
	if err != nil {
		return nil, nil, err
	}
	themePack, err := putContent(contentDir, key, ThemeAurora, "aurora.theme.toml", []byte(ThemePack))
	if err != nil {
		return nil, nil, err
	}
	eur := func(a int64) catalog.Money { return catalog.Money{Amount: a, Currency: "EUR", TaxRateBP: 2000} }
	cats := []catalog.Category{
		{ID: "navigation", Titles: t3("Navigation", "Navigation", "Navigation")},
		{ID: "entertainment", Titles: t3("Entertainment", "Unterhaltung", "Divertissement")},
		{ID: "themes", Titles: t3("Themes", "Designs", "Thèmes")},
		{ID: "services", Titles: t3("Services", "Dienste", "Services")},
		{ID: "safety", Titles: t3("Safety", "Sicherheit", "Sécurité")},
	}
	prods := []catalog.Product{
		{ID: WeatherApp, Kind: catalog.KindApp, Category: "navigation", Titles: t3("Weather Radar", "Wetterradar", "Radar météo"),
			Descriptions: t3("Rain radar along your route.", "Regenradar entlang der Route.", "Radar de pluie le long de l'itinéraire."), Tags: []string{"weather", "radar"}, Price: eur(499)},
		{ID: "app.podcast-plus", Kind: catalog.KindApp, Category: "entertainment", Titles: t3("Podcast Plus", "Podcast Plus", "Podcast Plus"),
			Descriptions: t3("Subscribe to and download podcasts.", "Podcasts abonnieren und laden.", "Abonnez-vous aux podcasts."), Tags: []string{"audio", "podcast"}, Price: eur(299)},
		{ID: "app.dashcam", Kind: catalog.KindApp, Category: "safety", Titles: t3("Dashcam Recorder", "Dashcam-Rekorder", "Enregistreur dashcam"),
			Descriptions: t3("Loop recording from the front camera.", "Endlosaufnahme der Frontkamera.", "Enregistrement en boucle de la caméra avant."), Tags: []string{"camera", "video"}, Price: eur(999)},
		{ID: TrafficMonth, Kind: catalog.KindSubscription, Category: "navigation", Period: "monthly", Titles: t3("Live Traffic (monthly)", "Live-Verkehr (monatlich)", "Trafic en direct (mensuel)"),
			Descriptions: t3("Real-time traffic on the map and in routing.", "Echtzeit-Verkehr auf der Karte und in der Route.", "Trafic en temps réel sur la carte et l'itinéraire."), Tags: []string{"traffic"}, Price: eur(399)},
		{ID: TrafficYear, Kind: catalog.KindSubscription, Category: "navigation", Period: "yearly", Titles: t3("Live Traffic (yearly)", "Live-Verkehr (jährlich)", "Trafic en direct (annuel)"),
			Descriptions: t3("Real-time traffic, billed yearly.", "Echtzeit-Verkehr, jährlich abgerechnet.", "Trafic en temps réel, facturé annuellement."), Tags: []string{"traffic"}, Price: eur(3999)},
		{ID: "sub.premium-connect", Kind: catalog.KindSubscription, Category: "entertainment", Period: "monthly", Titles: t3("Premium Connect", "Premium Connect", "Premium Connect"),
			Descriptions: t3("Streaming, hotspot and online voice.", "Streaming, Hotspot und Online-Sprache.", "Streaming, hotspot et voix en ligne."), Tags: []string{"streaming", "hotspot"}, Price: eur(999)},
		{ID: MapMonaco, Kind: catalog.KindContent, Category: "navigation", Titles: t3("Map region: Monaco", "Kartenregion: Monaco", "Région de carte : Monaco"),
			Descriptions: t3("Offline vector map of Monaco (PMTiles).", "Offline-Vektorkarte von Monaco (PMTiles).", "Carte vectorielle hors ligne de Monaco (PMTiles)."), Tags: []string{"map", "offline"}, Price: eur(199), Content: mapPack},
		{ID: ThemeAurora, Kind: catalog.KindContent, Category: "themes", Titles: t3("Theme: Aurora", "Design: Aurora", "Thème : Aurora"),
			Descriptions: t3("Teal and violet day and night palettes.", "Türkis-violette Tag- und Nachtfarben.", "Palettes jour et nuit sarcelle et violet."), Tags: []string{"theme"}, Price: eur(99), Content: themePack},
		{ID: Parking, Kind: catalog.KindService, Category: "services", Titles: t3("Pay for parking", "Parken bezahlen", "Payer le stationnement"),
			Descriptions: t3("Pay street or garage parking from the car.", "Straßen- oder Parkhausparken aus dem Auto bezahlen.", "Payez le stationnement depuis la voiture."), Tags: []string{"parking"},
			Price: eur(0), Service: &catalog.Service{Type: "parking", MinAmount: 50, MaxAmount: 5000}},
		{ID: Charging, Kind: catalog.KindService, Category: "services", Titles: t3("Pay for charging", "Laden bezahlen", "Payer la recharge"),
			Descriptions: t3("Start and pay a charging session.", "Ladevorgang starten und bezahlen.", "Démarrer et payer une recharge."), Tags: []string{"charging", "ev"},
			Price: eur(0), Service: &catalog.Service{Type: "charging", MinAmount: 100, MaxAmount: 20000}},
	}
	return cats, prods, nil
}

// Seed writes the demo catalog into st and its files into contentDir.
func Seed(ctx context.Context, st store.Store, key ed25519.PrivateKey, contentDir string, regionPack []byte) (int64, error) {
	cats, prods, err := Catalog(key, contentDir, regionPack)
	if err != nil {
		return 0, err
	}
	cr, pr, err := catalog.Rows(cats, prods)
	if err != nil {
		return 0, err
	}
	return st.PutCatalog(ctx, cr, pr)
}
