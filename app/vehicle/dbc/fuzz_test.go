package dbc

import (
	"reflect"
	"strings"
	"testing"
)

// fuzzSeeds are small snippets of each kind of defect the loader tolerates.
// The same snippets are committed under testdata/fuzz/FuzzParse.
var fuzzSeeds = []string{
	"VERSION \"\"\nBU_: A B\nBO_ 100 M: 8 A\n SG_ S : 0|8@1+ (1,0) [0|255] \"\" B\nVAL_ 100 S 1 \"on\" 0 \"off\"\nCM_ SG_ 100 S \"c\"\n",
	"BO_ 304 G: 8 PCM\n SG_ X : 7|16@0- (1,0) [-1000|1000] \"Nm\" EON\nCM_ SG_ 304 \"no signal name\";\nCM_ BO_ 999 \"no BO_\";\n",
	"BO_ 13274 HUD: 5 ADAS\n SG_ A : 7|8@0+ (1,0) [0|255] \"\" X\nVAL_ 13274 A 1 \"x\";\nBA_ \"GenMsgCycleTime\" BO_ 13274 100;\n",
	"BO_ 80 FD: 64 X\n SG_ Hi : 504|8@1+ (1,0) [0|255] \"\" X\n SG_ Over : 510|8@1+ (1,0) [0|255] \"\" X\nBO_ 81 C: 8 X\n SG_ O : 60|8@1+ (1,0) [0|255] \"\" X\n",
	"BO_ 10 F: 16 X\n SG_ F : 0|32@1- (1,0) [0|0] \"\" X\n SG_ D : 64|64@1- (1,0) [0|0] \"\" X\nSIG_VALTYPE_ 10 F : 1;\nSIG_VALTYPE_ 10 D : 2;\n",
	"BO_ 300 M: 8 X\n SG_ Mode M : 0|4@1+ (1,0) [0|15] \"\" X\n SG_ Page m0M : 4|4@1+ (1,0) [0|15] \"\" X\n SG_ L m1 : 8|8@1+ (1,0) [0|255] \"\" X\nSG_MUL_VAL_ 300 Page Mode 0-0;\nSG_MUL_VAL_ 300 L Page 1-1, 3-5;\n",
	"BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 10000;\nBA_DEF_DEF_ \"GenMsgCycleTime\" 100;\nBO_ 1 A: 8 X\nBO_ 2 B: 8 X\nBA_ \"GenMsgCycleTime\" BO_ 1 20;\n",
	"BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|255] \"\" X\nBO_ 1 B: 8 X\n SG_ S : 0|8@1+ (1,0) [0|255] \"\" X\n SG_ S : 8|8@1+ (1,0) [0|255] \"\" X\n",
	"BO_ 1 A: 8 X\n SG_ N : 0|8@1+ (NaN,0) [0|255] \"\" X\n SG_ I : 8|8@1+ (1,0) [-inf|inf] \"\" X\n SG_ H : 16|8@1+ (1e999,0) [0|1] \"\" X\n",
	"NS_ :\n    NS_DESC_\n    CM_\n\nBS_:\nBU_: A\n\tB\nVAL_TABLE_ T 1 \"a\";\nEV_ E: 0 [0|1] \"\" 0 1 DUMMY_NODE_VECTOR0 X;\nBO_TX_BU_ 1 : A,B;\n",
	"BO_ 1 A: 8 X\r\n SG_ S : 0|8@1+ (1,0) [0|255] \"\xb0C\" X,Y\r\nCM_ SG_ 1 S \"\xfcber\";\r\n",
	"BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|255 \"\" X\n SG_ T : 8|8@1+ (1,0) [0|255] \"\" X\nCM_ BO_ 1 \"open\nBO_ 2 B: 8 X\njunk\nFOO_ 1;\n",
	"BO_ 1 A: 8\n SG_ R : 0|8@1+ (1,0) [0|255] \"\"\n SG_ S : 8|8@1+ (1,0) [0|1] \"\" X Y;\nBO_ 2 B: 8 X SG_ I : 0|8@1+ (1,0) [0|1] \"\" X\nCM_ BO_ 1 \"a\"; CM_ BO_ 2 \"b\";\n",
	"BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX\n SG_ F : 0|8@1+ (1,0) [0|1] \"\" X\n SG_ Early : 0|8@1+ (1,0) [0|1] \"\" X\n",
	"BO_ 3 C: 8 X\n SG_ A m1M : 0|4@1+ (1,0) [0|15] \"\" X\n SG_ B m1M : 4|4@1+ (1,0) [0|15] \"\" X\nSG_MUL_VAL_ 3 A B 1-1;\nSG_MUL_VAL_ 3 B A 1-1;\n",
	"",
	"{\"json\": true}",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz.dbc", data)
		if err != nil {
			if d != nil || !strings.HasPrefix(err.Error(), "fuzz.dbc: ") {
				t.Fatalf("error %q does not name the file, or came with a result", err)
			}
			return
		}
		checkInvariants(t, d)
		// Parsing clean runs in one parser call must change nothing.
		slow, err := parse("fuzz.dbc", data, true)
		if err != nil {
			t.Fatalf("one-by-one parse failed: %v", err)
		}
		if !reflect.DeepEqual(d, slow) {
			t.Fatalf("runs and one-by-one parsing differ:\n%s\n---\n%s", d.Summary()+"\n"+issues(d.Warnings)+issues(d.Lost), slow.Summary()+"\n"+issues(slow.Warnings)+issues(slow.Lost))
		}
	})
}
