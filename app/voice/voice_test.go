package voice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

func TestSpoken(t *testing.T) {
	for in, want := range map[string]string{
		"Avenue d'Ostende":       "avenue dostende",
		"Boulevard Albert 1er":   "boulevard albert first",
		"Boulevard Charles III":  "boulevard charles the third",
		"Rue Biovès":             "rue bioves",
		"AC/DC":                  "ac dc",
		"Avenue John F. Kennedy": "avenue john f kennedy",
		"Route 66":               "route sixty six",
		"Mötley Crüe":            "motley crue",
		"Guns N' Roses":          "guns n roses",
		"Simon & Garfunkel":      "simon and garfunkel",
		"Blink-182":              "blink one hundred eighty two",
	} {
		if got := strings.Join(Spoken(in), " "); got != want {
			t.Errorf("Spoken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGrammarMatch(t *testing.T) {
	g, err := BuildGrammar("commands", Catalog, testSlots(t), GrammarOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"navigate to rue grimaldi":                `navigate.to place="Rue Grimaldi"`,
		"navigate home":                           "navigate.home",
		"navigate to work":                        "navigate.work",
		"play":                                    "media.play",
		"play daft punk":                          `media.artist artist="Daft Punk"`,
		"play album kind of blue":                 `media.album album="Kind of Blue"`,
		"play next song":                          "media.next",
		"set temperature to twenty one degrees":   `climate.temperature temperature="21"`,
		"set temperature to sixteen degrees":      `climate.temperature temperature="16"`,
		"navigate to boulevard charles the third": `navigate.to place="Boulevard Charles III"`,
		"pay for parking":                         "pay.parking",
		"how much fuel do i have":                 "vehicle.fuel",
	} {
		in, ok := g.Parse(text)
		if !ok || in.String() != want {
			t.Errorf("%q → %v %v, want %s", text, in, ok, want)
		}
	}
	for _, text := range []string{"", "tell me a joke", "play album", "navigate to", "set temperature to thirty degrees",
		"navigate to rue grimaldi please", "gbg_t gbg_eh"} {
		if in, ok := g.Parse(text); ok {
			t.Errorf("%q matched %v", text, in)
		}
	}
	if !strings.Contains(g.JSGF, "public <command> =") || !strings.Contains(g.JSGF, "<s_place> = ") {
		t.Fatalf("grammar:\n%s", g.JSGF)
	}
	// every sample phrase parses back to an intent
	for _, p := range Samples(Catalog, testSlots(t), 3) {
		if _, ok := g.Parse(p); !ok {
			t.Errorf("sample %q does not parse", p)
		}
	}
	// slots without values drop their phrases
	g2, err := BuildGrammar("commands", Catalog, NewSlots(nil, nil, nil), GrammarOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(g2.JSGF, "<s_artist>") || strings.Contains(g2.JSGF, "<s_place>") {
		t.Fatal("empty slots still in the grammar")
	}
}

func TestIPAToARPAbet(t *testing.T) {
	for ipa, want := range map[string]string{
		"ɡɹɪmˈældi":   "G R IH M AE L D IY",
		"ɹˈæskæs":     "R AE S K AE S",
		"lɑːɹvˈɑːɾoʊ": "L AA R V AA T OW",
		"tʃˈɜːtʃ":     "CH ER CH",
		"bˈɜːd":       "B ER D",
		"ðə":          "DH AH",
	} {
		if got := IPAToARPAbet(ipa); got != want {
			t.Errorf("%s → %q, want %q", ipa, got, want)
		}
	}
}

func TestLexiconEspeak(t *testing.T) {
	l := &Lexicon{}
	p, err := l.Pronounce(context.Background(), []string{"grimaldi", "larvotto", "stromae"})
	if err != nil {
		t.Skipf("espeak-ng: %v", err)
	}
	for w, ph := range p {
		for _, x := range strings.Fields(ph) {
			found := false
			for _, y := range Phones {
				found = found || x == y
			}
			if !found {
				t.Errorf("%s: /%s/ has %q, not a model phone", w, ph, x)
			}
		}
	}
	if !strings.HasPrefix(p["grimaldi"], "G R IH M") {
		t.Errorf("grimaldi → %q", p["grimaldi"])
	}
	bad := &Lexicon{Bin: filepath.Join(t.TempDir(), "no-espeak")}
	if _, err := bad.Pronounce(context.Background(), []string{"x"}); err == nil || !strings.Contains(err.Error(), "espeak-ng") {
		t.Fatalf("missing phonemizer: %v", err)
	}
}

func TestAnswer(t *testing.T) {
	now := time.Date(2024, 6, 20, 14, 0, 0, 0, time.UTC)
	st := vehicle.NewStore(func() time.Time { return now })
	if a := Answer(st, AskRange, false); a != NoData {
		t.Fatalf("no data: %q", a)
	}
	st.Set(vss.PowertrainFuelSystemRange, vehicle.Value{Num: 312400}, now)
	st.Set(vss.PowertrainFuelSystemRelativeLevel, vehicle.Value{Num: 63.6}, now)
	st.Set(vss.ChassisAxleRow1WheelLeftTirePressure, vehicle.Value{Num: 230}, now)
	st.Set(vss.ChassisAxleRow1WheelRightTirePressure, vehicle.Value{Num: 232}, now)
	st.Set(vss.ChassisAxleRow2WheelLeftTirePressure, vehicle.Value{Num: 228}, now.Add(-time.Minute)) // stale
	for kind, want := range map[string]string{
		AskRange: "Your range is 312 kilometres.",
		AskFuel:  "The tank is 64 percent full.",
		AskTyres: "Tire pressures in bar: front left 2.3, front right 2.3, rear left —, rear right —.",
	} {
		if got := Answer(st, kind, false); got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
	if got := Answer(st, AskRange, true); got != "Your range is 194 miles." {
		t.Errorf("miles: %q", got)
	}
	now = now.Add(time.Hour) // everything stale
	if got := Answer(st, AskFuel, false); got != NoData {
		t.Errorf("stale fuel: %q", got)
	}
}

// synthetic library: n artists from combined name parts, so that most
// words repeat as in a real library and a few hundred are new to the
// dictionary.
func syntheticArtists(n int) []string {
	first := strings.Fields("john paul mary anna lucas emma noah olivia liam sophia ethan mia jacob chloe ella leo zoe max ruby oscar ivy felix luna hugo iris theo nora")
	last := strings.Fields("smith brown taylor wilson davies evans thomas roberts johnson walker wright robinson thompson white hughes edwards green hall wood harris lewis martin jackson clarke clark turner hill scott cooper morris ward moore king watson baker harrison morgan patel young allen mitchell james anderson phillips lee bell parker davis kowalski nakamura okafor lindqvist moreau rossi")
	band := strings.Fields("the midnight velvet electric broken silver northern quiet neon paper golden echo black crystal wild lost static")
	noun := strings.Fields("owls rivers machines horizons tigers lanterns engines shadows satellites wolves orchestra collective experiment parade")
	rng := rand.New(rand.NewPCG(7, 7))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var a string
		if rng.IntN(3) == 0 {
			a = band[rng.IntN(len(band))] + " " + noun[rng.IntN(len(noun))]
		} else {
			a = first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))]
		}
		if rng.IntN(5) == 0 {
			a += fmt.Sprintf(" %d", 1+rng.IntN(99))
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// BenchmarkRegenerate rebuilds and loads the command grammar for a
// 2,000-artist library (target ≤ 1 s), the way the service does when the
// library changes: the recognizer and its pronunciation cache persist.
func BenchmarkRegenerate(b *testing.B) {
	r, err := NewRecognizer(RecognizerOptions{})
	if err != nil {
		b.Skip(err)
	}
	defer r.Close()
	places, err := nav.DemoPlaces(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	artists := syntheticArtists(2000)
	// the first load phonemizes the library's new words (reported apart)
	t := time.Now()
	if _, err := r.Build(context.Background(), "commands", Catalog, NewSlots(places, artists, testAlbums)); err != nil {
		b.Fatal(err)
	}
	first := time.Since(t)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// a library change: one more artist each time
		a := append(artists[:2000:2000], fmt.Sprintf("new artist %d", i))
		if _, err := r.Build(context.Background(), "commands", Catalog, NewSlots(places, a, testAlbums)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(first.Milliseconds()), "first-load-ms")
}
