package dbc

import (
	"encoding/binary"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// parseText parses an inline DBC as "t.dbc" and checks the invariants.
func parseText(t *testing.T, text string) *Database {
	t.Helper()
	d, err := Parse("t.dbc", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checkInvariants(t, d)
	return d
}

// wantIssues checks that the issues are exactly the given "line: message
// substring" pairs, in order.
func wantIssues(t *testing.T, kind string, got []Issue, want ...string) {
	t.Helper()
	ok := len(got) == len(want)
	for k := 0; ok && k < len(want); k++ {
		line, msg, _ := strings.Cut(want[k], ": ")
		ok = strconv.Itoa(got[k].Line) == line && strings.Contains(got[k].Msg, msg)
	}
	if !ok {
		t.Errorf("%s:\n%s want\n  %s", kind, issues(got), strings.Join(want, "\n  "))
	}
}

const header = `VERSION ""

NS_ :
	NS_DESC_
	CM_
	BA_DEF_
	SG_MUL_VAL_

BS_:

BU_: ECU GW
`

// header has 11 lines; definitions in the tests below start on line 12.

func TestMissingSemicolons(t *testing.T) {
	d := parseText(t, header+`BO_ 100 A: 8 ECU
 SG_ S : 0|8@1+ (1,0) [0|255] "" GW
 SG_ T : 8|8@1+ (1,0) [0|255] "" GW
CM_ SG_ 100 S "speed"
VAL_ 100 T 1 "one" 0 "zero"
CM_ BO_ 100 "msg";
VAL_ 100 S 3 "three"`)
	wantIssues(t, "warnings", d.Warnings,
		"15: missing ';' after CM_",
		"16: missing ';' after VAL_",
		"18: missing ';' after VAL_")
	m := d.Message(100, false)
	if m.Comment != "msg" || m.Signal("S").Comment != "speed" {
		t.Errorf("comments %q %q", m.Comment, m.Signal("S").Comment)
	}
	if !reflect.DeepEqual(m.Signal("T").Values, map[int64]string{1: "one", 0: "zero"}) ||
		!reflect.DeepEqual(m.Signal("S").Values, map[int64]string{3: "three"}) {
		t.Errorf("values %v %v", m.Signal("T").Values, m.Signal("S").Values)
	}
}

func TestCommentWithoutSignalName(t *testing.T) {
	d := parseText(t, header+`BO_ 100 A: 8 ECU
 SG_ S : 0|8@1+ (1,0) [0|255] "" GW
CM_ SG_ 100 "about the whole frame";
CM_ BO_ 200 "no such message";
CM_ SG_ 100 NOPE "no such signal";
CM_ "file comment";
CM_ BU_ ECU "node comment";`)
	wantIssues(t, "warnings", d.Warnings,
		"14: CM_ SG_ 100 without a signal name: kept as the message's comment",
		"15: CM_ for message 0x0C8, which has no BO_: ignored",
		"16: CM_ for signal NOPE, which message A does not have: ignored")
	if c := d.Message(100, false).Comment; c != "about the whole frame" {
		t.Errorf("comment %q", c)
	}
}

func TestExtendedWithoutFlag(t *testing.T) {
	d := parseText(t, header+`BO_ 2364540158 J1939: 8 ECU
 SG_ A : 0|8@1+ (1,0) [0|255] "" GW
BO_ 419361024 NOFLAG: 8 ECU
 SG_ B : 0|8@1+ (1,0) [0|255] "" GW
BO_ 2047 STD: 8 ECU
 SG_ C : 0|8@1+ (1,0) [0|255] "" GW
CM_ SG_ 419361024 B "ref without flag";
VAL_ 419361024 B 1 "on";
BA_DEF_ BO_ "GenMsgCycleTime" INT 0 10000;
BA_ "GenMsgCycleTime" BO_ 419361024 50;
SIG_VALTYPE_ 419361024 B : 0;
BO_ 536870912 TOOBIG: 8 ECU
 SG_ D : 0|8@1+ (1,0) [0|255] "" GW`)
	wantIssues(t, "warnings", d.Warnings,
		"14: 29-bit ID 419361024 (0x18FEF100) written without the extended flag: read as extended")
	wantIssues(t, "lost", d.Lost,
		"23: BO_ 536870912 TOOBIG: invalid standard ID",
		"24: SG_ D: its message (line 23) was not loaded")
	m := d.Message(0x18FEF100, true)
	if m == nil || m.Name != "NOFLAG" || m.CycleTime != 50*time.Millisecond {
		t.Fatalf("NOFLAG: %+v", m)
	}
	if s := m.Signal("B"); s.Comment != "ref without flag" || s.Values[1] != "on" {
		t.Errorf("references to the unflagged ID: %+v", s)
	}
	if m := d.Message(0x0CF004FE, true); m == nil || m.Name != "J1939" {
		t.Errorf("flagged ID: %+v", m)
	}
	var names []string
	for _, m := range d.Messages {
		names = append(names, m.Name)
	}
	if !reflect.DeepEqual(names, []string{"STD", "J1939", "NOFLAG"}) {
		t.Errorf("order %v, want standard first, then by ID", names)
	}
}

func TestCANFDAndSize(t *testing.T) {
	d := parseText(t, header+`BO_ 1 FD: 64 ECU
 SG_ Last : 504|8@1+ (1,0) [0|255] "" GW
 SG_ Moto : 487|16@0+ (1,0) [0|65535] "" GW
BO_ 2 CLASSIC: 8 ECU
 SG_ Over : 60|8@1+ (1,0) [0|255] "" GW
 SG_ MotoOver : 7|72@0+ (1,0) [0|1] "" GW
 SG_ Beyond : 510|8@1+ (1,0) [0|255] "" GW
 SG_ Zero : 0|0@1+ (1,0) [0|1] "" GW
 SG_ Wide : 0|65@1+ (1,0) [0|1] "" GW
BO_ 3 HUGE: 100 ECU
 SG_ X : 0|8@1+ (1,0) [0|255] "" GW`)
	wantIssues(t, "warnings", d.Warnings,
		"16: SG_ Over: reaches byte 8, beyond the 8-byte size of message CLASSIC: kept",
		"21: BO_ HUGE: size 100 bytes exceeds the CAN FD maximum: 64 used")
	wantIssues(t, "lost", d.Lost,
		"17: SG_ MotoOver: length 72 bits",
		"18: SG_ Beyond: reaches byte 64, beyond the 64-byte CAN FD maximum",
		"19: SG_ Zero: length 0 bits",
		"20: SG_ Wide: length 65 bits")
	fd := d.Message(1, false)
	if fd.Size != 64 || len(fd.Signals) != 2 || fd.Signals[0].Start != 504 {
		t.Errorf("FD message: %+v", fd)
	}
	if d.Message(3, false).Size != 64 {
		t.Errorf("HUGE not clamped")
	}
}

func TestMotorolaLastByte(t *testing.T) {
	for _, tc := range []struct{ start, length, want int }{
		{7, 8, 0}, {7, 9, 1}, {0, 1, 0}, {0, 2, 1}, {55, 30, 9}, {487, 16, 61}, {7, 64, 7}, {63, 64, 14},
	} {
		if got := lastByte(tc.start, tc.length, true); got != tc.want {
			t.Errorf("lastByte(%d, %d, motorola) = %d, want %d", tc.start, tc.length, got, tc.want)
		}
	}
	if got := lastByte(60, 8, false); got != 8 {
		t.Errorf("intel 60|8 last byte %d", got)
	}
}

func TestFloatSignals(t *testing.T) {
	d := parseText(t, header+`BO_ 10 F: 16 ECU
 SG_ F32 : 0|32@1- (1,0) [0|0] "" GW
 SG_ F64 : 64|64@1- (0.5,1) [0|0] "" GW
 SG_ BAD : 32|16@1- (1,0) [0|0] "" GW
SIG_VALTYPE_ 10 F32 : 1;
SIG_VALTYPE_ 10 F64 : 2;
SIG_VALTYPE_ 10 BAD : 1;
SIG_VALTYPE_ 10 NONE : 1;
SIG_VALTYPE_ 10 F32 : 7;`)
	wantIssues(t, "warnings", d.Warnings,
		"18: SIG_VALTYPE_ BAD: 32-bit float on a 16-bit signal: kept as integer",
		"19: SIG_VALTYPE_ for signal NONE, which message F does not have",
		"20: SIG_VALTYPE_ ignored: invalid signal value type")
	m := d.Message(10, false)
	if m.Signal("F32").Type != Float32 || m.Signal("F64").Type != Float64 || m.Signal("BAD").Type != Integer {
		t.Errorf("types %d %d %d", m.Signal("F32").Type, m.Signal("F64").Type, m.Signal("BAD").Type)
	}
}

func TestExtendedMultiplexing(t *testing.T) {
	// A mode switch (M), a page switch that is itself multiplexed by the
	// mode (m0M), signals under each, and SG_MUL_VAL_ ranges.
	d := parseText(t, header+`BO_ 300 MUX: 8 ECU
 SG_ Mode M : 0|4@1+ (1,0) [0|15] "" GW
 SG_ Page m0M : 4|4@1+ (1,0) [0|15] "" GW
 SG_ Low m1 : 8|8@1+ (1,0) [0|255] "" GW
 SG_ Mid m3 : 8|8@1+ (1,0) [0|255] "" GW
 SG_ Simple m2 : 16|8@1+ (1,0) [0|255] "" GW
 SG_ Plain : 56|8@1+ (1,0) [0|255] "" GW
SG_MUL_VAL_ 300 Page Mode 0-0;
SG_MUL_VAL_ 300 Low Page 1-1, 3-5;
SG_MUL_VAL_ 300 Mid Page 6-6,8-10 ;
SG_MUL_VAL_ 300 Plain Mode 1-1;
SG_MUL_VAL_ 300 Low Plain 1-1;
SG_MUL_VAL_ 300 Low Mode 7-7;
SG_MUL_VAL_ 300 Low Page 9-9;
SG_MUL_VAL_ 300 Mid Page 9-2;
SG_MUL_VAL_ 999 Low Page 1-1;`)
	wantIssues(t, "warnings", d.Warnings,
		"17: SG_ Simple: no SG_MUL_VAL_ in a message with 2 switches: switch Mode assumed",
		"22: SG_MUL_VAL_ ignored: signal Plain is not multiplexed",
		"23: SG_MUL_VAL_ ignored: signal Plain is not a multiplexer switch",
		"24: SG_MUL_VAL_ ignored: signal Low already depends on switch Page",
		"25: second SG_MUL_VAL_ for signal Low: ranges added",
		"26: SG_MUL_VAL_ ignored: bad range 9-2",
		"27: SG_MUL_VAL_ ignored: message 0x3E7 has no BO_")
	m := d.Message(300, false)
	for _, tc := range []struct {
		name     string
		isSwitch bool
		sw       string
		ranges   []MuxRange
	}{
		{"Mode", true, "", nil},
		{"Page", true, "Mode", []MuxRange{{0, 0}}},
		{"Low", false, "Page", []MuxRange{{1, 1}, {3, 5}, {9, 9}}},
		{"Mid", false, "Page", []MuxRange{{6, 6}, {8, 10}}},
		{"Simple", false, "Mode", []MuxRange{{2, 2}}},
		{"Plain", false, "", nil},
	} {
		s := m.Signal(tc.name)
		if s == nil || s.IsSwitch != tc.isSwitch || s.MuxSwitch != tc.sw || !reflect.DeepEqual(s.MuxRanges, tc.ranges) {
			t.Errorf("%s: %+v", tc.name, s)
		}
	}
	var order []string
	for _, s := range m.Signals {
		order = append(order, s.Name)
	}
	if !reflect.DeepEqual(order, []string{"Mode", "Page", "Low", "Mid", "Simple", "Plain"}) {
		t.Errorf("signal order %v", order)
	}
}

func TestMultiplexingDefects(t *testing.T) {
	d := parseText(t, header+`BO_ 1 NOSWITCH: 8 ECU
 SG_ Orphan m1 : 0|8@1+ (1,0) [0|255] "" GW
 SG_ Keep : 8|8@1+ (1,0) [0|255] "" GW
BO_ 2 TWO: 8 ECU
 SG_ M1 M : 0|4@1+ (1,0) [0|15] "" GW
 SG_ M2 M : 4|4@1+ (1,0) [0|15] "" GW
 SG_ X m1 : 8|8@1+ (1,0) [0|255] "" GW
BO_ 3 CYCLE: 8 ECU
 SG_ A m1M : 0|4@1+ (1,0) [0|15] "" GW
 SG_ B m1M : 4|4@1+ (1,0) [0|15] "" GW
 SG_ C m2 : 8|8@1+ (1,0) [0|255] "" GW
SG_MUL_VAL_ 3 A B 1-1;
SG_MUL_VAL_ 3 B A 1-1;
SG_MUL_VAL_ 3 C B 2-2;`)
	wantIssues(t, "warnings", d.Warnings,
		"15: BO_ TWO has more than one multiplexer switch (M1, M2): M1 used",
		"18: SG_ X: no SG_MUL_VAL_ in a message with 2 switches: switch M1 assumed")
	wantIssues(t, "lost", d.Lost,
		"13: SG_ Orphan: multiplexed (m1) but message NOSWITCH has no multiplexer switch (M)",
		"20: SG_ A: its multiplexer switches form a cycle",
		"21: SG_ B: its multiplexer switches form a cycle",
		"22: SG_ C: its multiplexer switch B was lost")
	if s := d.Message(2, false).Signal("X"); s.MuxSwitch != "M1" {
		t.Errorf("X switch %q", s.MuxSwitch)
	}
}

func TestCycleTime(t *testing.T) {
	cases := []struct {
		name, defs string
		want       []time.Duration // messages 1, 2
		warnings   []string
	}{
		{"int with default", `BA_DEF_ BO_ "GenMsgCycleTime" INT 0 10000;
BA_DEF_DEF_ "GenMsgCycleTime" 100;
BA_ "GenMsgCycleTime" BO_ 1 20;`, []time.Duration{20 * time.Millisecond, 100 * time.Millisecond}, nil},
		{"default after the values", `BA_DEF_ BO_ "GenMsgCycleTime" INT 0 10000;
BA_ "GenMsgCycleTime" BO_ 1 20;
BA_DEF_DEF_ "GenMsgCycleTime" 100;`, []time.Duration{20 * time.Millisecond, 100 * time.Millisecond}, nil},
		{"float", `BA_DEF_ BO_ "GenMsgCycleTime" FLOAT 0 10000;
BA_ "GenMsgCycleTime" BO_ 2 12.5;`, []time.Duration{0, 12500 * time.Microsecond}, nil},
		{"string", `BA_DEF_ BO_ "GenMsgCycleTime" STRING;
BA_ "GenMsgCycleTime" BO_ 1 "40";
BA_ "GenMsgCycleTime" BO_ 2 "fast";`, []time.Duration{40 * time.Millisecond, 0}, []string{`17: value "fast" is not a number`}},
		{"no BA_DEF_", `BA_ "GenMsgCycleTime" BO_ 1 10;
BA_ "GenMsgCycleTime" BO_ 2 1e3;`, []time.Duration{10 * time.Millisecond, time.Second},
			[]string{`15: BA_ "GenMsgCycleTime" used without a BA_DEF_`}},
		{"defects", `BA_DEF_ BO_ "GenMsgCycleTime" INT 0 10000;
BA_ "GenMsgCycleTime" BO_ 1 -5;
BA_ "GenMsgCycleTime" BO_ 9 10;
BA_ "GenMsgCycleTime" BO_ 2 30;
BA_ "GenMsgCycleTime" BO_ 2 31;
BA_ "OtherAttr" BO_ 2 "anything at all";`, []time.Duration{0, 31 * time.Millisecond}, []string{
			`16: -5 ms is not a usable cycle time`,
			`17: BA_ "GenMsgCycleTime" for message 0x009, which has no BO_`,
			`19: second BA_ "GenMsgCycleTime" for message B`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := parseText(t, header+`BO_ 1 A: 8 ECU
BO_ 2 B: 8 ECU
BA_DEF_ "BusType" STRING;
`+tc.defs)
			got := []time.Duration{d.Message(1, false).CycleTime, d.Message(2, false).CycleTime}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cycle times %v, want %v", got, tc.want)
			}
			wantIssues(t, "warnings", d.Warnings, tc.warnings...)
		})
	}
}

func TestValueTables(t *testing.T) {
	d := parseText(t, header+`VAL_TABLE_ Gear 0 "P" 1 "R" 2 "N" 3 "D";
BO_ 5 G: 8 ECU
 SG_ Gear : 0|4@1+ (1,0) [0|15] "" GW
 SG_ Temp : 8|8@1- (1,-40) [-40|215] "degC" GW
VAL_ 5 Gear 0 "P" 1 "R" 2 "N" 3 "D" 1 "again";
VAL_ 5 Temp -1 "error" -2 "not available" 1.5 "half";
VAL_ 5 Gear 15 "invalid" ;
VAL_ 5 Nope 1 "x";
VAL_ EnvVar 1 "env";`)
	wantIssues(t, "warnings", d.Warnings,
		`16: value 1 described twice ("R", "again"): kept the first`,
		"17: value 1.5 is not an integer",
		"18: second VAL_ for signal Gear: merged",
		"19: VAL_ for signal Nope, which message G does not have")
	m := d.Message(5, false)
	if !reflect.DeepEqual(m.Signal("Gear").Values, map[int64]string{0: "P", 1: "R", 2: "N", 3: "D", 15: "invalid"}) {
		t.Errorf("Gear %v", m.Signal("Gear").Values)
	}
	if !reflect.DeepEqual(m.Signal("Temp").Values, map[int64]string{-1: "error", -2: "not available"}) {
		t.Errorf("Temp %v", m.Signal("Temp").Values)
	}
}

func TestDuplicates(t *testing.T) {
	d := parseText(t, header+`BO_ 100 FIRST: 8 ECU
 SG_ A : 0|8@1+ (1,0) [0|255] "" GW
 SG_ A : 8|8@1+ (1,0) [0|255] "" GW
BO_ 100 SECOND: 8 ECU
 SG_ B : 0|8@1+ (1,0) [0|255] "" GW
BO_ 101 FIRST: 8 ECU
CM_ BO_ 100 "one";
CM_ BO_ 100 "two";`)
	wantIssues(t, "warnings", d.Warnings,
		"15: BO_ SECOND: duplicate message ID 0x064 (first defined at line 12 as FIRST): kept the first",
		"17: BO_ FIRST: name also used by message 0x064 at line 12",
		"19: second CM_ for message FIRST: appended")
	wantIssues(t, "lost", d.Lost,
		"14: SG_ A: duplicate signal name in message FIRST (first at line 13)",
		"15: BO_ 100 SECOND: duplicate message ID 0x064 (first defined at line 12)",
		"16: SG_ B: its message (line 15) was not loaded")
	m := d.Message(100, false)
	if m.Name != "FIRST" || len(m.Signals) != 1 || m.Signals[0].Start != 0 || m.Comment != "one\ntwo" {
		t.Errorf("kept %+v", m)
	}
}

func TestNonFiniteNumbers(t *testing.T) {
	d := parseText(t, header+`BO_ 1 A: 8 ECU
 SG_ NaNFactor : 0|8@1+ (NaN,0) [0|255] "" GW
 SG_ InfOffset : 8|8@1+ (1,-Inf) [0|255] "" GW
 SG_ HugeFactor : 16|8@1+ (1e999,0) [0|255] "" GW
 SG_ InfMax : 24|8@1+ (1,0) [-inf|inf] "" GW
 SG_ Good : 32|8@1+ (0.5,0) [0|127.5] "" GW`)
	wantIssues(t, "lost", d.Lost,
		"13: SG_ NaNFactor: factor is not a finite number (NaN)",
		"14: SG_ InfOffset: offset is not a finite number (Inf)",
		"15: SG_ HugeFactor: factor is not a finite number (1e999)")
	wantIssues(t, "warnings", d.Warnings,
		"16: SG_ InfMax: minimum inf is not a finite number: 0 used",
		"16: SG_ InfMax: maximum inf is not a finite number: 0 used")
	m := d.Message(1, false)
	if s := m.Signal("InfMax"); s == nil || s.Min != 0 || s.Max != 0 {
		t.Errorf("InfMax %+v", s)
	}
	if len(m.Signals) != 2 {
		t.Errorf("%d signals kept, want 2", len(m.Signals))
	}
}

// TestOneBadLine is the einride failure mode: one bad line must not take
// the following definitions with it.
func TestOneBadLine(t *testing.T) {
	d := parseText(t, header+`BO_ 1 A: 8 ECU
 SG_ Good1 : 0|8@1+ (1,0) [0|255] "" GW
 SG_ Bad : 8|8@1+ (1,0) [0|255 "" GW
 SG_ Good2 : 16|8@1+ (1,0) [0|255] "" GW
CM_ BO_ 1 "broken ;
BO_ 2 B: 8 ECU
 SG_ Good3 : 0|8@1+ (1,0) [0|255] "" GW
BO_ 3 C 8 ECU
 SG_ LostWithC : 0|8@1+ (1,0) [0|255] ""
VAL_ 2 Good3 1 "one" 2 ;
VAL_ 1 Good2 1 "one";
SIGNALS_FROM_THE_FUTURE_ 1 2 3;
this line is junk
BO_ 4 D: 8 ECU
 SG_ Good4 : 0|8@1+ (1,0) [0|255] "" GW`)
	wantIssues(t, "warnings", d.Warnings,
		`16: unterminated string in CM_: closed at the end of line 16`,
		`16: missing ';' after CM_ definition: added`,
		`21: VAL_ ignored: expected token "`,
		`23: unknown keyword SIGNALS_FROM_THE_FUTURE_: definition skipped`,
		`24: unrecognised text skipped: "this line is junk"`)
	wantIssues(t, "lost", d.Lost,
		`14: SG_ Bad: expected token: "]"`,
		`19: BO_ 3 C: expected token: ":", found: Int (8)`,
		`20: SG_ LostWithC: its message (line 19) was not loaded`)
	for _, name := range []string{"Good1", "Good2", "Good3", "Good4"} {
		found := false
		for _, m := range d.Messages {
			found = found || m.Signal(name) != nil
		}
		if !found {
			t.Errorf("%s lost", name)
		}
	}
	if v := d.Message(1, false).Signal("Good2").Values; v[1] != "one" {
		t.Errorf("VAL_ after the bad lines: %v", v)
	}
	if c := d.Message(1, false).Comment; c != "broken ;" {
		t.Errorf("unterminated comment %q", c)
	}
}

func TestSyntaxVariants(t *testing.T) {
	// NS_ with spaces, multi-line BU_, EV_, BO_TX_BU_, BA_DEF_ for other
	// objects, SG_ with several receivers, tabs and a multi-line comment.
	d := parseText(t, `VERSION "1.0"

NS_ :
    NS_DESC_
    CM_
    BA_DEF_

BS_:

BU_: ECU GW
	DASH
VAL_TABLE_ T 1 "a" 0 "b";
EV_ EnvA: 0 [0|100] "" 0 1 DUMMY_NODE_VECTOR0 Vector__XXX;
ENVVAR_DATA_ EnvA: 4;
BO_	1	A:	8	ECU
	SG_	S	:	0|8@1+	(1,0)	[0|255]	"km/h"	GW,DASH
 SG_ T : 8|8@1+ (1,0) [0|255] "" GW DASH
BO_TX_BU_ 1 : ECU,GW;
BA_DEF_ SG_ "SigAttr" INT 0 10;
BA_DEF_ BU_ "NodeAttr" ENUM "x","y";
BA_DEF_DEF_ "SigAttr" 0;
BA_ "SigAttr" SG_ 1 S 3;
SIG_GROUP_ 1 G 1 : S T;
CM_ SG_ 1 S "first line
second line";
CM_ BO_ 1 "has \"quotes\"";`)
	wantIssues(t, "warnings", d.Warnings, "17: SG_ T: receivers separated by spaces: read as a list")
	m := d.Message(1, false)
	if s := m.Signal("S"); !reflect.DeepEqual(s.Receivers, []string{"GW", "DASH"}) || s.Unit != "km/h" || s.Comment != "first line second line" {
		t.Errorf("S: %+v", s)
	}
	if s := m.Signal("T"); !reflect.DeepEqual(s.Receivers, []string{"GW", "DASH"}) {
		t.Errorf("T receivers %v", s.Receivers)
	}
	if m.Comment != `has "quotes"` {
		t.Errorf("comment %q", m.Comment)
	}
}

func TestLineEndingsAndEncodings(t *testing.T) {
	base := header + "BO_ 1 A: 8 ECU\n SG_ S : 0|8@1+ (1,0) [0|255] \"\xc2\xb0C\" GW\nCM_ SG_ 1 S \"Temperatur \xc3\xbcber Grenzwert\";\n"
	crlf := strings.ReplaceAll(base, "\n", "\r\n")
	latin := strings.ReplaceAll(strings.ReplaceAll(base, "\xc3\xbc", "\xfc"), "\xc2\xb0", "\xb0")
	cases := []struct {
		name, text string
		warnings   []string
	}{
		{"LF UTF-8", base, nil},
		{"CRLF", crlf, nil},
		{"BOM", "\xef\xbb\xbf" + base, nil},
		{"CR only", strings.ReplaceAll(base, "\n", "\r"), []string{"1: lines end with CR only"}},
		{"Latin-1", latin, []string{"13: 2 line(s) not valid UTF-8, decoded as Latin-1 (lines 13, 14)"}},
		{"UTF-16LE", utf16Text(crlf, binary.LittleEndian), []string{"1: file is UTF-16 (byte-order mark): decoded"}},
		{"UTF-16BE", utf16Text(base, binary.BigEndian), []string{"1: file is UTF-16 (byte-order mark): decoded"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := parseText(t, tc.text)
			wantIssues(t, "warnings", d.Warnings, tc.warnings...)
			s := d.Message(1, false).Signal("S")
			if s.Unit != "°C" || s.Comment != "Temperatur über Grenzwert" || s.Line != 13 {
				t.Errorf("unit %q comment %q line %d", s.Unit, s.Comment, s.Line)
			}
		})
	}
}

// utf16Text encodes s as UTF-16 with a byte-order mark.
func utf16Text(s string, order binary.ByteOrder) string {
	units := append([]uint16{0xFEFF}, utf16.Encode([]rune(s))...)
	b := make([]byte, 2*len(units))
	for k, u := range units {
		order.PutUint16(b[2*k:], u)
	}
	return string(b)
}

func TestStructuralDefects(t *testing.T) {
	d := parseText(t, header+` SG_ Early : 0|8@1+ (1,0) [0|255] "" GW
BO_ 1 A: 8
 SG_ NoRecv : 0|8@1+ (1,0) [0|255] ""
 SG_ Semi : 8|8@1+ (1,0) [0|255] "" GW;
BO_ 2 B: 8 ECU junk here
BO_ 3 C: 8 ECU SG_ Inline : 0|8@1+ (1,0) [0|255] "" GW
BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX
 SG_ Floating : 0|8@1+ (1,0) [0|255] "" GW
CM_ BO_ 1 "x"; CM_ BO_ 2 "y";`)
	wantIssues(t, "warnings", d.Warnings,
		"13: BO_ A has no transmitter: Vector__XXX assumed",
		"14: SG_ NoRecv has no receiver: Vector__XXX assumed",
		`15: SG_ Semi: unexpected text after the receivers ignored: ";"`,
		`16: unexpected text after BO_ B ignored: "junk here"`)
	wantIssues(t, "lost", d.Lost,
		"12: SG_ Early: signal outside any message",
		"18: BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: VECTOR__INDEPENDENT_SIG_MSG pseudo-message",
		"19: SG_ Floating: its message (line 18) was not loaded")
	if s := d.Message(3, false).Signal("Inline"); s == nil || s.Line != 17 {
		t.Errorf("signal on the BO_ line: %+v", s)
	}
	if d.Message(1, false).Comment != "x" || d.Message(2, false).Comment != "y" {
		t.Errorf("two CM_ on one line")
	}
	if d.TextMessages != 4 || d.TextSignals != 5 {
		t.Errorf("text counts %d %d", d.TextMessages, d.TextSignals)
	}
}

func TestNotDBC(t *testing.T) {
	for _, tc := range []struct{ name, text, err string }{
		{"empty", "", "e.dbc: empty file"},
		{"blank", " \n\t\r\n", "e.dbc: empty file"},
		{"json", `{"messages": [1, 2, 3]}`, "e.dbc: not a DBC file"},
		{"prose", "This is a README.\nIt has BO_ in the middle of a line.\n", "e.dbc: not a DBC file"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "e.dbc: binary data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("e.dbc", []byte(tc.text))
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) || d != nil {
				t.Errorf("got %v, %v; want error %q", d, err, tc.err)
			}
		})
	}
	if _, err := Load("testdata/no-such-file.dbc"); err == nil || !strings.Contains(err.Error(), "no-such-file.dbc") {
		t.Errorf("missing file: %v", err)
	}
}

func TestSummary(t *testing.T) {
	d := parseText(t, header+`BO_ 1 A: 8 ECU
 SG_ S : 0|8@1+ (1,0) [0|255] "" GW
 SG_ S : 8|8@1+ (1,0) [0|255] "" GW
VAL_ 1 S 1 "x"`)
	want := "t.dbc: 1 messages, 1 signals, 1 warnings, 1 lost (text has 1 BO_, 2 SG_)"
	if got := d.Summary(); got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}
