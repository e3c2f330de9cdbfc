package render

import (
	"image/color"
	"math"
)

// bucket is a fill or line class of the OpenMapTiles schema that is drawn
// in one batch; the constants are in drawing order.
type bucket uint8

const (
	bResidential bucket = iota
	bCommercial
	bIndustrial
	bInstitution
	bCemetery
	bFarm
	bGrass
	bWood
	bSand
	bWetland
	bRock
	bPark
	bPitch
	bAeroArea
	bWater
	bRiver  // waterway lines: river, canal
	bStream // waterway lines: stream, ditch, drain
	bPier   // pier/pedestrian polygons (land colour)
	bPierLine
	bRunway // aeroway lines
	bBuilding
	bBoundary
	nBuckets
)

// roadClass is a transportation class, in drawing order (minor first).
type roadClass uint8

const (
	rPath roadClass = iota
	rTrack
	rService
	rMinor
	rTertiary
	rSecondary
	rPrimary
	rTrunk
	rMotorway
	rRail
	rFerry
	nRoadClasses
)

// brunnel levels, in drawing order.
const (
	lvTunnel = iota
	lvGround
	lvBridge
	nLevels
)

var roadClassOf = map[string]roadClass{
	"motorway": rMotorway, "trunk": rTrunk, "primary": rPrimary, "secondary": rSecondary,
	"tertiary": rTertiary, "minor": rMinor, "residential": rMinor, "unclassified": rMinor,
	"living_street": rMinor, "road": rMinor, "busway": rService, "raceway": rMinor,
	"service": rService, "track": rTrack, "path": rPath, "pedestrian": rPath, "footway": rPath,
	"cycleway": rPath, "steps": rPath, "bridleway": rPath, "pier": rPath,
	"rail": rRail, "transit": rRail, "subway": rRail, "light_rail": rRail, "tram": rRail,
	"narrow_gauge": rRail, "funicular": rRail, "monorail": rRail, "preserved": rRail,
	"ferry": rFerry,
}

var fillOf = map[string]bucket{
	// landuse
	"residential": bResidential, "suburb": bResidential, "quarter": bResidential, "neighbourhood": bResidential,
	"commercial": bCommercial, "retail": bCommercial,
	"industrial": bIndustrial, "railway": bIndustrial, "garages": bIndustrial, "quarry": bIndustrial, "military": bIndustrial,
	"school": bInstitution, "university": bInstitution, "college": bInstitution, "kindergarten": bInstitution, "hospital": bInstitution,
	"library": bInstitution, "theme_park": bPark, "zoo": bPark, "stadium": bPitch, "pitch": bPitch, "track": bPitch,
	"playground": bPark, "cemetery": bCemetery, "grave_yard": bCemetery,
	// landcover
	"farmland": bFarm, "farm": bFarm, "grass": bGrass, "meadow": bGrass, "village_green": bGrass,
	"recreation_ground": bGrass, "allotments": bFarm, "orchard": bFarm, "vineyard": bFarm,
	"wood": bWood, "forest": bWood, "scrub": bWood, "sand": bSand, "beach": bSand,
	"wetland": bWetland, "rock": bRock, "bare_rock": bRock, "scree": bRock, "ice": bRock, "glacier": bRock,
	"park": bPark, "garden": bPark, "golf_course": bPark, "nature_reserve": bPark, "national_park": bPark, "protected_area": bPark,
	"dog_park": bPark, "golf": bPark,
}

// palette is one theme's colours.
type palette struct {
	bg, noData                 color.RGBA
	fill                       [nBuckets]color.RGBA
	buildingEdge               color.RGBA
	road, casing               [nRoadClasses]color.RGBA
	tunnel, tunnelCasing       [nRoadClasses]color.RGBA
	railDash                   color.RGBA
	text, halo, roadText       color.RGBA
	waterText, placeText       color.RGBA
	fuel, charge, park, iconFg color.RGBA
	attribution, attribBg      color.RGBA
}

func rgb(h uint32) color.RGBA { return color.RGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 0xff} }

// alpha premultiplies an opaque colour by a.
func alpha(c color.RGBA, a float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * a), uint8(float64(c.G) * a), uint8(float64(c.B) * a), uint8(255 * a)}
}

// The background is a neutral ground tone, deliberately not blue: a tile
// set built without coastline data has no sea polygons, and painting the
// whole background as water would flood land where the data simply has
// nothing. Missing sea therefore reads as plain ground, which is honest.
// (The demo map's sea comes from its own OSM coastline: scripts/make-map.)
var dayPalette = func() *palette {
	p := &palette{
		bg: rgb(0xf1eee8), noData: rgb(0xe6e3de),
		buildingEdge: rgb(0xc2b5aa), railDash: rgb(0xffffff),
		text: rgb(0x2e2e2e), halo: rgb(0xffffff), roadText: rgb(0x404040),
		waterText: rgb(0x3f6f95), placeText: rgb(0x202020),
		fuel: rgb(0xc0392b), charge: rgb(0x1e8e3e), park: rgb(0x2f6fd0), iconFg: rgb(0xffffff),
		attribution: rgb(0x333333), attribBg: alpha(rgb(0xffffff), 0.75),
	}
	f := &p.fill
	f[bResidential], f[bCommercial], f[bIndustrial], f[bInstitution] = rgb(0xe8e4de), rgb(0xf3dfdc), rgb(0xe9dfe9), rgb(0xf2efd6)
	f[bCemetery], f[bFarm], f[bGrass], f[bWood] = rgb(0xb9d2b8), rgb(0xede6cc), rgb(0xd2e9c0), rgb(0xb5d5a5)
	f[bSand], f[bWetland], f[bRock], f[bPark] = rgb(0xf3e8c6), rgb(0xd3e6da), rgb(0xe2ddd8), rgb(0xcbecc6)
	f[bPitch], f[bAeroArea], f[bWater], f[bRiver] = rgb(0xb2e2cf), rgb(0xdcdbe4), rgb(0xa6cee0), rgb(0xa6cee0)
	f[bStream], f[bPier], f[bRunway], f[bBuilding] = rgb(0xa6cee0), rgb(0xf1eee8), rgb(0xc4c3cf), rgb(0xd9d0c8)
	f[bBoundary], f[bPierLine] = rgb(0x9b74a8), p.bg
	r, c := &p.road, &p.casing
	r[rMotorway], c[rMotorway] = rgb(0xe892a2), rgb(0xc2576f)
	r[rTrunk], c[rTrunk] = rgb(0xf7b39a), rgb(0xc8815f)
	r[rPrimary], c[rPrimary] = rgb(0xfcd7a1), rgb(0xbf9a58)
	r[rSecondary], c[rSecondary] = rgb(0xf5f6be), rgb(0xa9ab73)
	r[rTertiary], c[rTertiary] = rgb(0xffffff), rgb(0xbab3ab)
	r[rMinor], c[rMinor] = rgb(0xffffff), rgb(0xbab3ab)
	r[rService], c[rService] = rgb(0xffffff), rgb(0xbab3ab)
	r[rTrack], c[rTrack] = rgb(0xb08b4f), rgb(0xb08b4f)
	r[rPath], c[rPath] = rgb(0xe9806f), rgb(0xe9806f)
	r[rRail], c[rRail] = rgb(0x8a8a8a), rgb(0x8a8a8a)
	r[rFerry], c[rFerry] = rgb(0x5b8bd6), rgb(0x5b8bd6)
	for i := range p.road {
		p.tunnel[i] = mix(p.road[i], p.bg, 0.55)
		p.tunnelCasing[i] = mix(p.casing[i], p.bg, 0.35)
	}
	return p
}()

var nightPalette = func() *palette {
	p := &palette{
		bg: rgb(0x1d2126), noData: rgb(0x24282e),
		buildingEdge: rgb(0x41454d), railDash: rgb(0x2a2e33),
		text: rgb(0xd4d8de), halo: rgb(0x14171b), roadText: rgb(0xb9bec6),
		waterText: rgb(0x7fa8c9), placeText: rgb(0xe6e9ed),
		fuel: rgb(0xb5473a), charge: rgb(0x2f8f4a), park: rgb(0x3d6db8), iconFg: rgb(0xeef0f2),
		attribution: rgb(0xc8ccd2), attribBg: alpha(rgb(0x14171b), 0.7),
	}
	f := &p.fill
	f[bResidential], f[bCommercial], f[bIndustrial], f[bInstitution] = rgb(0x22262c), rgb(0x2a2529), rgb(0x27242c), rgb(0x282a25)
	f[bCemetery], f[bFarm], f[bGrass], f[bWood] = rgb(0x1f2e25), rgb(0x26271f), rgb(0x1f2d23), rgb(0x1b2b20)
	f[bSand], f[bWetland], f[bRock], f[bPark] = rgb(0x2c2a22), rgb(0x1f2b2a), rgb(0x2a2a2b), rgb(0x1d3024)
	f[bPitch], f[bAeroArea], f[bWater], f[bRiver] = rgb(0x1f332c), rgb(0x27272f), rgb(0x13283a), rgb(0x13283a)
	f[bStream], f[bPier], f[bRunway], f[bBuilding] = rgb(0x13283a), rgb(0x1d2126), rgb(0x3a3a44), rgb(0x30333a)
	f[bBoundary], f[bPierLine] = rgb(0x7c6390), p.bg
	r, c := &p.road, &p.casing
	r[rMotorway], c[rMotorway] = rgb(0xa55a6c), rgb(0x121417)
	r[rTrunk], c[rTrunk] = rgb(0x9a6a52), rgb(0x121417)
	r[rPrimary], c[rPrimary] = rgb(0x857052), rgb(0x121417)
	r[rSecondary], c[rSecondary] = rgb(0x6b6a4f), rgb(0x121417)
	r[rTertiary], c[rTertiary] = rgb(0x4e535c), rgb(0x121417)
	r[rMinor], c[rMinor] = rgb(0x4a4f58), rgb(0x121417)
	r[rService], c[rService] = rgb(0x40444c), rgb(0x121417)
	r[rTrack], c[rTrack] = rgb(0x6d5a3d), rgb(0x6d5a3d)
	r[rPath], c[rPath] = rgb(0x8a5a52), rgb(0x8a5a52)
	r[rRail], c[rRail] = rgb(0x6a6e76), rgb(0x6a6e76)
	r[rFerry], c[rFerry] = rgb(0x3f6499), rgb(0x3f6499)
	for i := range p.road {
		p.tunnel[i] = mix(p.road[i], p.bg, 0.5)
		p.tunnelCasing[i] = mix(p.casing[i], p.bg, 0.5)
	}
	return p
}()

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

// stops interpolates a width (logical px at 256-px tiles) exponentially
// between zoom stops; below the first stop the feature is hidden (0).
type stops [][2]float64

func (s stops) at(z float64) float64 {
	if len(s) == 0 || z < s[0][0]-0.5 {
		return 0
	}
	if z <= s[0][0] {
		return s[0][1]
	}
	for i := 1; i < len(s); i++ {
		if z <= s[i][0] {
			t := (z - s[i-1][0]) / (s[i][0] - s[i-1][0])
			return s[i-1][1] * math.Pow(s[i][1]/s[i-1][1], t)
		}
	}
	last := s[len(s)-1]
	return last[1] * math.Pow(2, z-last[0]) // past the last stop widths grow with the ground
}

var roadWidth = [nRoadClasses]stops{
	rMotorway:  {{5, 0.5}, {10, 1.6}, {12, 2.8}, {14, 5.5}, {16, 11}, {18, 24}},
	rTrunk:     {{5, 0.5}, {10, 1.5}, {12, 2.6}, {14, 5}, {16, 10.5}, {18, 23}},
	rPrimary:   {{7, 0.5}, {10, 1.2}, {12, 2.2}, {14, 4.6}, {16, 9.5}, {18, 20}},
	rSecondary: {{9, 0.5}, {12, 1.7}, {14, 3.8}, {16, 8.4}, {18, 18}},
	rTertiary:  {{10, 0.5}, {12, 1.4}, {14, 3.4}, {16, 7.8}, {18, 17}},
	rMinor:     {{12, 0.6}, {13, 1.1}, {14, 2.4}, {16, 6}, {18, 14}},
	rService:   {{13, 0.5}, {14, 1.2}, {16, 3.4}, {18, 8}},
	rTrack:     {{13, 0.5}, {14, 0.8}, {16, 1.4}, {18, 2.6}},
	rPath:      {{14, 0.6}, {16, 1.1}, {18, 2}},
	rRail:      {{10, 0.6}, {13, 1}, {14, 1.5}, {16, 2.4}, {18, 3.4}},
	rFerry:     {{9, 0.6}, {14, 1.1}, {18, 1.8}},
}

// casingWidth is the width of the casing on each side of a road.
func casingWidth(z float64) float64 {
	switch {
	case z < 11:
		return 0
	case z < 14:
		return 0.5
	case z < 16:
		return 0.8
	}
	return 1.1
}

// labelStyle is a text class.
type labelKind uint8

const (
	lkPlace labelKind = iota
	lkWater
	lkPeak
	lkPOI
	lkHouse
	lkRoad
)
