package dbc

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The real production DBC files shared beside the repository.
const realDir = "../../../../shared/data/can/dbc"

func realPath(name string) string { return filepath.Join(realDir, name) }

// Lines that start a message or a signal definition, counted in the raw
// text independently of the loader. `^BO_ ` does not match BO_TX_BU_.
var (
	reMessage = regexp.MustCompile(`(?m)^BO_ `)
	reSignal  = regexp.MustCompile(`(?m)^[ \t]+SG_ `)
)

var realFiles = []struct {
	file               string
	messages, signals  int // counted by hand (grep) and hard-coded
	warnings           int
	extended, multiplx int // extended-ID messages (BO_ ID > 0x7FF); mN signals
}{
	{"chrysler_pacifica_2017_hybrid_generated.dbc", 50, 210, 12, 0, 0},
	{"chrysler_ram_dt_generated.dbc", 29, 166, 12, 0, 0},
	{"fca_giorgio.dbc", 37, 155, 1, 1, 21},
	{"ford_lincoln_base_pt.dbc", 331, 2150, 0, 49, 0},
	{"gm_global_a_high_voltage_management.dbc", 12, 125, 0, 0, 105},
	{"gm_global_a_powertrain_generated.dbc", 49, 122, 2, 0, 0},
	{"honda_civic_hatchback_ex_2017_can_generated.dbc", 50, 410, 5, 2, 0},
	{"hyundai_canfd_generated.dbc", 88, 761, 0, 0, 0},
	{"mazda_3_2019.dbc", 59, 246, 1, 0, 0},
	{"nissan_leaf_2018_generated.dbc", 20, 134, 0, 0, 0},
	{"subaru_global_2017_generated.dbc", 32, 231, 0, 0, 0},
	{"tesla_model3_party.dbc", 21, 240, 0, 0, 27},
	{"toyota_iQ_2009_can.dbc", 26, 72, 0, 0, 0},
}

func loadReal(t testing.TB, file string) *Database {
	t.Helper()
	d, err := Load(realPath(file))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func TestRealFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(realDir, "*.dbc"))
	if err != nil || len(files) != len(realFiles) {
		t.Fatalf("found %d DBC files in %s (%v), the table has %d", len(files), realDir, err, len(realFiles))
	}
	for _, tc := range realFiles {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(realPath(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			textMsgs := len(reMessage.FindAll(raw, -1))
			textSigs := len(reSignal.FindAll(raw, -1))
			if textMsgs != tc.messages || textSigs != tc.signals {
				t.Errorf("regexp count of the text: %d BO_, %d SG_; table says %d, %d", textMsgs, textSigs, tc.messages, tc.signals)
			}
			d := loadReal(t, tc.file)
			for _, l := range d.Lost {
				t.Errorf("lost: %v", l)
			}
			if d.TextMessages != textMsgs || d.TextSignals != textSigs {
				t.Errorf("loader counted %d BO_, %d SG_ in the text; regexp %d, %d", d.TextMessages, d.TextSignals, textMsgs, textSigs)
			}
			sigs, ext, mux := 0, 0, 0
			for _, m := range d.Messages {
				sigs += len(m.Signals)
				if m.Extended {
					ext++
				}
				for _, s := range m.Signals {
					if s.Multiplexed() {
						mux++
					}
				}
			}
			if len(d.Messages) != tc.messages || sigs != tc.signals {
				t.Errorf("loaded %d messages, %d signals; want %d, %d", len(d.Messages), sigs, tc.messages, tc.signals)
			}
			if ext != tc.extended || mux != tc.multiplx {
				t.Errorf("%d extended messages, %d multiplexed signals; want %d, %d", ext, mux, tc.extended, tc.multiplx)
			}
			if len(d.Warnings) != tc.warnings {
				t.Errorf("%d warnings, want %d:\n%s", len(d.Warnings), tc.warnings, issues(d.Warnings))
			}
			checkInvariants(t, d)
		})
	}
}

// checkInvariants checks what must hold for any load, real or fuzzed.
func checkInvariants(t testing.TB, d *Database) {
	t.Helper()
	lostMsgs, lostSigs := 0, 0
	for _, l := range d.Lost {
		switch {
		case strings.HasPrefix(l.Msg, "BO_"):
			lostMsgs++
		case strings.HasPrefix(l.Msg, "SG_"):
			lostSigs++
		default:
			t.Errorf("lost entry names neither BO_ nor SG_: %v", l)
		}
		if l.Line < 1 {
			t.Errorf("lost entry without a line: %v", l)
		}
	}
	for _, w := range d.Warnings {
		if w.Line < 1 || w.File != d.File {
			t.Errorf("warning without file:line: %#v", w)
		}
	}
	sigs := 0
	for k, m := range d.Messages {
		if m == nil {
			t.Fatal("nil message")
		}
		if k > 0 {
			p := d.Messages[k-1]
			if p.Extended && !m.Extended || p.Extended == m.Extended && p.ID >= m.ID {
				t.Errorf("messages not sorted by (Extended, ID): %s before %s", p.Name, m.Name)
			}
		}
		if m.Size < 0 || m.Size > 64 {
			t.Errorf("%s: size %d", m.Name, m.Size)
		}
		if !m.Extended && m.ID > 0x7FF || m.ID > 0x1FFFFFFF {
			t.Errorf("%s: ID %#x extended=%v", m.Name, m.ID, m.Extended)
		}
		for j, s := range m.Signals {
			if s == nil {
				t.Fatalf("%s: nil signal", m.Name)
			}
			sigs++
			if s.Length < 1 || s.Length > 64 || s.Start < 0 || s.Start >= 512 {
				t.Errorf("%s.%s: start %d length %d", m.Name, s.Name, s.Start, s.Length)
			}
			if math.IsNaN(s.Factor) || math.IsInf(s.Factor, 0) || math.IsNaN(s.Offset) || math.IsInf(s.Offset, 0) {
				t.Errorf("%s.%s: factor %v offset %v", m.Name, s.Name, s.Factor, s.Offset)
			}
			if j > 0 && m.Signals[j-1].Line > s.Line {
				t.Errorf("%s: signals not in file order", m.Name)
			}
			if s.Multiplexed() {
				sw := m.Signal(s.MuxSwitch)
				if sw == nil || !sw.IsSwitch || len(s.MuxRanges) == 0 {
					t.Errorf("%s.%s: switch %q ranges %v", m.Name, s.Name, s.MuxSwitch, s.MuxRanges)
				}
			}
			if s.Type == Float32 && s.Length != 32 || s.Type == Float64 && s.Length != 64 {
				t.Errorf("%s.%s: type %d with length %d", m.Name, s.Name, s.Type, s.Length)
			}
		}
	}
	if len(d.Messages)+lostMsgs != d.TextMessages {
		t.Errorf("%d messages + %d lost != %d BO_ in the text", len(d.Messages), lostMsgs, d.TextMessages)
	}
	if sigs+lostSigs != d.TextSignals {
		t.Errorf("%d signals + %d lost != %d SG_ in the text", sigs, lostSigs, d.TextSignals)
	}
}

func issues(is []Issue) string {
	var b strings.Builder
	for _, i := range is {
		b.WriteString("  " + i.String() + "\n")
	}
	return b.String()
}

// TestRealRunsMatchOneByOne checks that parsing clean runs of definitions
// in one parser call gives exactly what parsing each alone gives.
func TestRealRunsMatchOneByOne(t *testing.T) {
	for _, tc := range realFiles {
		raw, err := os.ReadFile(realPath(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		fast, err1 := parse(tc.file, raw, false)
		slow, err2 := parse(tc.file, raw, true)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v / %v", tc.file, err1, err2)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: runs and one-by-one parsing differ", tc.file)
		}
	}
}

type sigWant struct {
	start, length     int
	bigEndian, signed bool
	factor, offset    float64
	min, max          float64
	unit              string
	receivers         []string
}

func checkSignal(t *testing.T, m *Message, name string, w sigWant) *Signal {
	t.Helper()
	if m == nil {
		t.Fatalf("no message for signal %s", name)
	}
	s := m.Signal(name)
	if s == nil {
		t.Fatalf("%s has no signal %s", m.Name, name)
	}
	got := sigWant{s.Start, s.Length, s.BigEndian, s.Signed, s.Factor, s.Offset, s.Min, s.Max, s.Unit, s.Receivers}
	if !reflect.DeepEqual(got, w) {
		t.Errorf("%s.%s:\n got %+v\nwant %+v", m.Name, name, got, w)
	}
	return s
}

func TestRealSpotChecks(t *testing.T) {
	t.Run("hyundai CAN FD", func(t *testing.T) {
		d := loadReal(t, "hyundai_canfd_generated.dbc")
		m := d.Message(80, false)
		if m == nil || m.Name != "LKAS" || m.Size != 16 || m.Sender != "XXX" || m.Line != 43 {
			t.Fatalf("message 80: %+v", m)
		}
		if m.Comment != "Known in official DBC as L_ADAS_CMD_30_10ms" {
			t.Errorf("comment %q", m.Comment)
		}
		checkSignal(t, m, "Damping_Gain", sigWant{64, 8, false, false, 1, 0, 0, 255, "", []string{"CGW"}})
		s := checkSignal(t, m, "StrTqReqVal", sigWant{41, 11, false, false, 1, -1024, 0, 4095, "", []string{"XXX"}})
		if !strings.Contains(s.Comment, `SG_ StrTqReqVal : xx|11@1+ (0.0078125,-8) [-8|7.9921875] "Nm" XXX but`) {
			t.Errorf("comment with escaped quotes: %q", s.Comment)
		}
		imu := d.MessageByName("IMU_01_10ms")
		if imu == nil || imu.ID != 74 || imu.Size != 32 {
			t.Fatalf("IMU_01_10ms: %+v", imu)
		}
		checkSignal(t, imu, "IMU_RollRtVal", sigWant{192, 16, false, false, 0.005, -163.84, 0, 0, "º/s", []string{"XXX"}})
	})
	t.Run("ford cycle times, values, receivers", func(t *testing.T) {
		d := loadReal(t, "ford_lincoln_base_pt.dbc")
		m := d.Message(823, false)
		if m == nil || m.Name != "DTE_HPCMtoECG" || m.CycleTime != time.Second {
			t.Fatalf("message 823: %+v", m)
		}
		checkSignal(t, m, "DteVeh_Eff_Actl", sigWant{23, 8, true, false, 10, -1000, -1000, 1550, "watt*hour/km", []string{"GWM"}})
		s := checkSignal(t, m, "DteAcceptNew_B_Rq", sigWant{7, 1, true, false, 1, 0, 0, 1, "SED", []string{"GWM"}})
		if !reflect.DeepEqual(s.Values, map[int64]string{1: "Yes", 0: "No"}) {
			t.Errorf("values %v", s.Values)
		}
		ipma := d.Message(985, false)
		if ipma == nil || ipma.Name != "IPMA_Data2" || ipma.CycleTime != time.Second {
			t.Fatalf("message 985: %+v", ipma)
		}
		checkSignal(t, ipma, "LongCtrlEnbl_D_Rq", sigWant{42, 3, true, false, 1, 0, 0, 7, "SED", []string{"ECM_Diesel", "PCM", "PCM_HEV", "GWM"}})
		// BO_ 2612224016 = 0x80000000 | 0x1BB36010, GenMsgCycleTime 0.
		x := d.Message(0x1BB36010, true)
		if x == nil || x.Name != "PARSEDPushPCMtoGWM_ECG" || x.CycleTime != 0 || x.Sender != "PCM_HEV" {
			t.Fatalf("extended message: %+v", x)
		}
		checkSignal(t, x, "PARSEDPushPCMtoGWM_ECG", sigWant{7, 29, true, false, 1, 0, 0, 536870911, "unitless", []string{"GWM"}})
		if last := d.Messages[len(d.Messages)-1]; last.ID != 2612224099-0x80000000 || !last.Extended {
			t.Errorf("last message is %s, not BO_ 2612224099 (the highest extended ID)", last.Name)
		}
	})
	t.Run("honda", func(t *testing.T) {
		d := loadReal(t, "honda_civic_hatchback_ex_2017_can_generated.dbc")
		m := d.Message(304, false)
		if m == nil || m.Name != "GAS_PEDAL_2" || m.Comment != "Seems to be platform-agnostic" {
			t.Fatalf("message 304 (comment from CM_ SG_ without a signal name): %+v", m)
		}
		checkSignal(t, m, "ENGINE_TORQUE_ESTIMATE", sigWant{7, 16, true, true, 1, 0, -1000, 1000, "Nm", []string{"EON"}})
		g := d.Message(401, false)
		s := checkSignal(t, g, "GEAR_SHIFTER", sigWant{44, 5, true, false, 1, 0, 0, 31, "", []string{"XXX"}})
		want := map[int64]string{1: "P", 2: "R", 3: "N", 4: "D", 7: "L", 10: "S", 11: "B"}
		if !reflect.DeepEqual(s.Values, want) {
			t.Errorf("GEAR_SHIFTER values %v", s.Values)
		}
		if h := d.Message(13274, true); h == nil || h.Name != "LKAS_HUD_A" || d.Message(13274, false) != nil {
			t.Errorf("BO_ 13274 not read as extended: %+v", h)
		}
	})
	t.Run("fca simple multiplexing and 29-bit ID", func(t *testing.T) {
		d := loadReal(t, "fca_giorgio.dbc")
		m := d.Message(1046, false)
		if m == nil || m.Name != "NEW_MSG_416" {
			t.Fatalf("message 1046: %+v", m)
		}
		sw := checkSignal(t, m, "MUX", sigWant{1, 2, true, false, 1, 0, 0, 3, "", []string{"XXX"}})
		if !sw.IsSwitch || sw.Multiplexed() {
			t.Errorf("MUX: switch %v multiplexed %v", sw.IsSwitch, sw.Multiplexed())
		}
		s := checkSignal(t, m, "UNKNOWN_M0_1", sigWant{15, 8, true, false, 1, 0, 0, 255, "", []string{"XXX"}})
		if s.MuxSwitch != "MUX" || !reflect.DeepEqual(s.MuxRanges, []MuxRange{{0, 0}}) || s.IsSwitch {
			t.Errorf("UNKNOWN_M0_1 mux: %q %v %v", s.MuxSwitch, s.MuxRanges, s.IsSwitch)
		}
		c := d.Message(0x1E36001E, true)
		if c == nil || c.Name != "CAM_UNKNOWN_6" || c.Size != 1 || c.Sender != "CAMERA" || len(c.Signals) != 0 {
			t.Errorf("BO_ 506855454: %+v", c)
		}
	})
	t.Run("gm switch defined after the multiplexed signals", func(t *testing.T) {
		d := loadReal(t, "gm_global_a_high_voltage_management.dbc")
		m := d.MessageByName("Battery_Module_2")
		s := checkSignal(t, m, "Voltage_2_1_A", sigWant{4, 12, true, false, 0.00125, 0, 0, 0, "V", []string{"K16_BECM"}})
		if s.MuxSwitch != "Cell_Bank_Number_2" || !reflect.DeepEqual(s.MuxRanges, []MuxRange{{1, 1}}) {
			t.Errorf("Voltage_2_1_A mux: %q %v", s.MuxSwitch, s.MuxRanges)
		}
		temp := d.MessageByName("Battery_temp")
		s = checkSignal(t, temp, "Temp_G", sigWant{8, 8, false, false, 0.5, -40, 0, 0, "C", []string{"K16_BECM"}})
		if s.MuxSwitch != "Switch" || !reflect.DeepEqual(s.MuxRanges, []MuxRange{{1, 1}}) {
			t.Errorf("Temp_G mux: %q %v", s.MuxSwitch, s.MuxRanges)
		}
	})
	t.Run("tesla", func(t *testing.T) {
		d := loadReal(t, "tesla_model3_party.dbc")
		m := d.Message(545, false)
		if m == nil || m.Name != "VCFRONT_LVPowerState" {
			t.Fatalf("message 545: %+v", m)
		}
		s := checkSignal(t, m, "VCFRONT_epasLVState", sigWant{10, 2, false, false, 1, 0, 0, 3, "", []string{"epas3s"}})
		if s.MuxSwitch != "VCFRONT_LVPowerStateIndex" || !reflect.DeepEqual(s.MuxRanges, []MuxRange{{1, 1}}) {
			t.Errorf("mux: %q %v", s.MuxSwitch, s.MuxRanges)
		}
		if p := m.Signal("VCFRONT_vehiclePowerState"); p == nil || p.Multiplexed() || p.IsSwitch {
			t.Errorf("VCFRONT_vehiclePowerState: %+v", p)
		}
		checkSignal(t, d.Message(599, false), "DI_vehicleSpeed", sigWant{12, 12, false, false, 0.08, -40, -40, 285, "kph", []string{"park"}})
	})
	t.Run("VAL_ without ';'", func(t *testing.T) {
		d := loadReal(t, "chrysler_pacifica_2017_hybrid_generated.dbc")
		s := d.Message(320, false).Signal("ACC_OFF_REQ")
		if !reflect.DeepEqual(s.Values, map[int64]string{2: "PERMANENT", 1: "TEMPORARY", 0: "NONE"}) {
			t.Errorf("ACC_OFF_REQ values %v", s.Values)
		}
		if g := d.Message(368, false).Signal("Gear_State"); !reflect.DeepEqual(g.Values, map[int64]string{4: "D", 2: "N", 1: "R", 0: "P"}) {
			t.Errorf("the VAL_ after the defective one: %v", g.Values)
		}
		d = loadReal(t, "gm_global_a_powertrain_generated.dbc")
		s = d.Message(501, false).Signal("ManualMode")
		if !reflect.DeepEqual(s.Values, map[int64]string{1: "Active", 0: "Inactive"}) {
			t.Errorf("ManualMode values (last line, no ';') %v", s.Values)
		}
	})
}

func TestRealWarningLines(t *testing.T) {
	cases := []struct {
		file string
		want []string // exact warnings, in order, as file:line: message
	}{
		{"fca_giorgio.dbc", []string{
			"fca_giorgio.dbc:228: 29-bit ID 506855454 (0x1E36001E) written without the extended flag: read as extended",
		}},
		{"gm_global_a_powertrain_generated.dbc", []string{
			"gm_global_a_powertrain_generated.dbc:348: VAL_ for signal GasRegenCmdActiveInv, which message ASCMGasRegenCmd does not have: ignored",
			"gm_global_a_powertrain_generated.dbc:355: missing ';' after VAL_ definition: added",
		}},
		{"honda_civic_hatchback_ex_2017_can_generated.dbc", []string{
			"honda_civic_hatchback_ex_2017_can_generated.dbc:211: CM_ SG_ 304 without a signal name: kept as the message's comment",
			"honda_civic_hatchback_ex_2017_can_generated.dbc:212: CM_ SG_ 316 without a signal name: kept as the message's comment",
			"honda_civic_hatchback_ex_2017_can_generated.dbc:392: 29-bit ID 13274 (0x33DA) written without the extended flag: read as extended",
			"honda_civic_hatchback_ex_2017_can_generated.dbc:414: 29-bit ID 13275 (0x33DB) written without the extended flag: read as extended",
			"honda_civic_hatchback_ex_2017_can_generated.dbc:517: CM_ for signal CAMERA_OVERHEAT, which message LKAS_HUD does not have: ignored",
		}},
		{"mazda_3_2019.dbc", []string{
			"mazda_3_2019.dbc:310: SG_ NEW_SIGNAL_4: reaches byte 9, beyond the 8-byte size of message CAM_KEEP_ALIVE_1: kept",
		}},
	}
	for _, tc := range cases {
		raw, err := os.ReadFile(realPath(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(tc.file, raw)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range d.Warnings {
			got = append(got, w.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s warnings:\n got %q\nwant %q", tc.file, got, tc.want)
		}
	}
	// Chrysler RAM: a CM_ without ';' on line 5 and a VAL_ without ';' on
	// line 184; comments for messages that have no BO_ on 188-193.
	d := loadReal(t, "chrysler_ram_dt_generated.dbc")
	lines := map[int]string{}
	for _, w := range d.Warnings {
		lines[w.Line] = w.Msg
	}
	for line, want := range map[int]string{
		5:   "missing ';' after CM_ definition: added",
		184: "missing ';' after VAL_ definition: added",
		188: "CM_ for signal STEERING_ANGLE_HP of message 0x102, which has no BO_: ignored",
	} {
		if lines[line] != want {
			t.Errorf("chrysler_ram line %d: got %q, want %q", line, lines[line], want)
		}
	}
}
