package voice

import (
	"fmt"
	"sort"
	"strings"
)

// Slot names.
const (
	SlotPlace       = "place"
	SlotArtist      = "artist"
	SlotAlbum       = "album"
	SlotTemperature = "temperature"
)

// Intent kinds the catalog knows.
const (
	NavigateTo     = "navigate.to"
	NavigateHome   = "navigate.home"
	NavigateWork   = "navigate.work"
	FindCharging   = "find.charging"
	FindParking    = "find.parking"
	FindGas        = "find.gas"
	CancelRoute    = "navigate.cancel"
	ShowMap        = "map.show"
	ZoomIn         = "map.zoomin"
	ZoomOut        = "map.zoomout"
	Play           = "media.play"
	Pause          = "media.pause"
	NextSong       = "media.next"
	PreviousSong   = "media.previous"
	PlayArtist     = "media.artist"
	PlayAlbum      = "media.album"
	VolumeUp       = "media.volumeup"
	VolumeDown     = "media.volumedown"
	Mute           = "media.mute"
	ShuffleOn      = "media.shuffle"
	AskRange       = "vehicle.range"
	AskFuel        = "vehicle.fuel"
	AskTyres       = "vehicle.tyres"
	SetTemperature = "climate.temperature"
	AirCondOn      = "climate.ac"
	OpenMarket     = "screen.market"
	OpenSettings   = "screen.settings"
	ShowVehicle    = "screen.vehicle"
	GoHome         = "screen.home"
	PayParking     = "pay.parking"
	Yes            = "answer.yes"
	No             = "answer.no"
)

// Spec describes one intent: its phrases (words, with at most one ⟨slot⟩
// written "<place>") and whether it needs the driver's confirmation
// because it spends money or changes the route.
type Spec struct {
	Kind    string
	Phrases []string
	Confirm bool
}

// Catalog is the list of intents the grammar is built from.
var Catalog = []Spec{
	{Kind: NavigateTo, Phrases: []string{"navigate to <place>"}, Confirm: true},
	{Kind: NavigateHome, Phrases: []string{"navigate home"}, Confirm: true},
	{Kind: NavigateWork, Phrases: []string{"navigate to work"}, Confirm: true},
	{Kind: FindCharging, Phrases: []string{"find the nearest charging station"}, Confirm: true},
	{Kind: FindParking, Phrases: []string{"find a parking spot"}, Confirm: true},
	{Kind: FindGas, Phrases: []string{"find a gas station"}, Confirm: true},
	{Kind: CancelRoute, Phrases: []string{"cancel navigation"}, Confirm: true},
	{Kind: ShowMap, Phrases: []string{"show the map"}},
	{Kind: ZoomIn, Phrases: []string{"zoom in"}},
	{Kind: ZoomOut, Phrases: []string{"zoom out"}},
	{Kind: Play, Phrases: []string{"play", "play the music"}},
	{Kind: Pause, Phrases: []string{"pause the music", "pause"}},
	{Kind: NextSong, Phrases: []string{"play next song", "next song"}},
	{Kind: PreviousSong, Phrases: []string{"play previous song", "previous song"}},
	{Kind: PlayArtist, Phrases: []string{"play <artist>"}},
	{Kind: PlayAlbum, Phrases: []string{"play album <album>", "play the album <album>"}},
	{Kind: VolumeUp, Phrases: []string{"volume up"}},
	{Kind: VolumeDown, Phrases: []string{"volume down"}},
	{Kind: Mute, Phrases: []string{"mute the audio", "mute"}},
	{Kind: ShuffleOn, Phrases: []string{"turn shuffle on", "turn on shuffle"}},
	{Kind: AskRange, Phrases: []string{"what is my range"}},
	{Kind: AskFuel, Phrases: []string{"how much fuel do i have"}},
	{Kind: AskTyres, Phrases: []string{"check tire pressure", "check the tire pressure"}},
	{Kind: SetTemperature, Phrases: []string{"set temperature to <temperature> degrees", "set the temperature to <temperature> degrees"}},
	{Kind: AirCondOn, Phrases: []string{"turn on the air conditioning"}},
	{Kind: OpenMarket, Phrases: []string{"open the marketplace"}},
	{Kind: OpenSettings, Phrases: []string{"open settings", "open the settings"}},
	{Kind: ShowVehicle, Phrases: []string{"show the vehicle"}},
	{Kind: GoHome, Phrases: []string{"go home"}},
	{Kind: PayParking, Phrases: []string{"pay for parking"}, Confirm: true},
}

// Answers are the phrases of the confirmation grammar.
var Answers = []Spec{
	{Kind: Yes, Phrases: []string{"yes", "yes please", "confirm", "do it"}},
	{Kind: No, Phrases: []string{"no", "no thanks", "cancel", "stop"}},
}

// SpecOf returns the spec of an intent kind.
func SpecOf(kind string) (Spec, bool) {
	for _, s := range Catalog {
		if s.Kind == kind {
			return s, true
		}
	}
	for _, s := range Answers {
		if s.Kind == kind {
			return s, true
		}
	}
	return Spec{}, false
}

// Intent is a recognized command: its kind and slot values (the display
// value, e.g. "Avenue Princesse Grace", "21").
type Intent struct {
	Kind  string            `json:"intent"`
	Slots map[string]string `json:"slots,omitempty"`
}

// Confirm reports whether the intent needs a yes/no confirmation.
func (i Intent) Confirm() bool {
	s, _ := SpecOf(i.Kind)
	return s.Confirm
}

// String is "kind slot=value …", slots sorted.
func (i Intent) String() string {
	keys := make([]string, 0, len(i.Slots))
	for k := range i.Slots {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(i.Kind)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, i.Slots[k])
	}
	return b.String()
}

// Equal compares kind and slots.
func (i Intent) Equal(o Intent) bool { return i.String() == o.String() }

// SlotValue is one value of a slot: what is said and what it means.
type SlotValue struct {
	Words []string // spoken tokens
	Value string   // display value passed to the action
}

// Slots holds the values of every slot.
type Slots map[string][]SlotValue

// Temperatures are the settable cabin temperatures, °C.
const (
	MinTemperature = 16
	MaxTemperature = 28
)

// NewSlots builds slot values from display names: places, artists and
// albums are spoken with Spoken; temperatures are 16…28. Duplicates (same
// words) keep the first display value; names with no speakable words are
// skipped.
func NewSlots(places, artists, albums []string) Slots {
	s := Slots{}
	s[SlotPlace] = values(places)
	s[SlotArtist] = values(artists)
	s[SlotAlbum] = values(albums)
	var temps []SlotValue
	for n := MinTemperature; n <= MaxTemperature; n++ {
		temps = append(temps, SlotValue{Words: NumberWords(n), Value: itoa(n)})
	}
	s[SlotTemperature] = temps
	return s
}

func values(names []string) []SlotValue {
	seen := map[string]bool{}
	var out []SlotValue
	for _, n := range names {
		w := Spoken(n)
		key := strings.Join(w, " ")
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, SlotValue{Words: w, Value: strings.TrimSpace(n)})
	}
	return out
}
