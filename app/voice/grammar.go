package voice

import (
	"fmt"
	"sort"
	"strings"
)

// GarbagePrefix starts the dictionary words of the garbage (filler) loop:
// one word per phone of the acoustic model, so that speech which is not a
// command can be matched by a string of phones instead of being forced
// onto the nearest command.
const GarbagePrefix = "gbg_"

// Phones are the en-us model's phones (ARPAbet without stress), which the
// garbage loop and the phonemizer use.
var Phones = []string{"AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY",
	"F", "G", "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH",
	"T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH"}

// Grammar is a command grammar: its JSGF text, the same sentences as a
// minimal word automaton (FSG, what the decoder loads), the words it uses,
// and the index that maps a decoded word string back to an intent.
type Grammar struct {
	JSGF string
	// FSG is the grammar in PocketSphinx's FSG format (wordFSG); empty
	// when it has a garbage loop, which only the JSGF text describes.
	FSG   string
	Words []string // distinct words, sorted, garbage words excluded
	forms []form
	exact map[string]Intent
}

type form struct {
	kind           string
	prefix, suffix []string
	slot           string
	values         map[string]string // spoken words joined by " " → value
}

// GrammarOptions tune the generated grammar.
type GrammarOptions struct {
	// Garbage is the weight of the garbage loop against the commands
	// (weight 1); 0 leaves the loop out. See docs/voice.md for the
	// measured trade-off.
	Garbage float64
	// Fillers are the garbage loop's words; nil uses one word per phone
	// (GarbagePrefix + phone).
	Fillers []string
}

// CommonWords are frequent English words for a word-level garbage loop:
// everyday speech that is not a command is mostly made of them.
var CommonWords = strings.Fields(`the of and a to in is you that it he was for on are as with his they
i at be this have from or one had by word but not what all were we when your can said there use an each
which she do how their if will up other about out many then them these so some her would make like him
into time has look two more write go see number no way could people my than first water been call who
its now find long down day did get come made may part over new sound take only little work know place
year live back give most very after thing our just name good sentence man think say great where help
through much before line right too mean old any same tell boy follow came want show also around form
three small set put end does another well large must big even such because turn here why ask went men
read need land different home us move try kind hand picture again change off play spell air away animal
house point page letter mother answer found study still learn should world high every near add food
between own below country plant last school father keep tree never start city earth eye light thought
head under story saw left few while along might close something seem next hard open example begin life
always those both paper together got group often run important until children side feet car mile night
walk white sea began grow took river four carry state once book hear stop without second later miss idea
enough eat face watch far really almost let above girl sometimes mountain cut young talk soon list song
being leave family`)

// BuildGrammar generates the JSGF grammar for specs with slot values.
// Rules are emitted in catalog order; slot alternatives in the order given.
func BuildGrammar(name string, specs []Spec, slots Slots, opt GrammarOptions) (*Grammar, error) {
	g := &Grammar{exact: map[string]Intent{}}
	words := map[string]bool{}
	var b strings.Builder
	fmt.Fprintf(&b, "#JSGF V1.0;\ngrammar %s;\n", name)
	var cmds []string
	var sentences [][]string
	used := map[string]bool{}
	for i, s := range specs {
		rule := fmt.Sprintf("c%d", i)
		var alts []string
		for _, p := range s.Phrases {
			f, err := parseForm(s.Kind, p)
			if err != nil {
				return nil, err
			}
			if f.slot != "" {
				vals, ok := slots[f.slot]
				if !ok || len(vals) == 0 {
					continue // no values yet: the phrase cannot be said
				}
				used[f.slot] = true
				f.values = make(map[string]string, len(vals))
				for _, v := range vals {
					f.values[strings.Join(v.Words, " ")] = v.Value
					sentences = append(sentences, concat(f.prefix, v.Words, f.suffix))
				}
			} else {
				g.exact[strings.Join(f.prefix, " ")] = Intent{Kind: s.Kind}
				sentences = append(sentences, f.prefix)
			}
			for _, w := range concat(f.prefix, f.suffix) {
				words[w] = true
			}
			g.forms = append(g.forms, f)
			alts = append(alts, strings.ReplaceAll(p, "<", "<s_"))
		}
		if len(alts) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<%s> = %s;\n", rule, strings.Join(alts, " | "))
		cmds = append(cmds, "<"+rule+">")
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("voice: grammar %s has no phrase that can be said", name)
	}
	slotNames := make([]string, 0, len(used))
	for s := range used {
		slotNames = append(slotNames, s)
	}
	sort.Strings(slotNames)
	for _, s := range slotNames {
		var alts []string
		for _, v := range slots[s] {
			for _, w := range v.Words {
				words[w] = true
			}
			alts = append(alts, strings.Join(v.Words, " "))
		}
		fmt.Fprintf(&b, "<s_%s> = %s;\n", s, strings.Join(alts, " | "))
	}
	if opt.Garbage > 0 {
		var gw []string
		if opt.Fillers != nil {
			for _, w := range opt.Fillers {
				gw = append(gw, GarbagePrefix+w)
			}
		} else {
			for _, p := range Phones {
				gw = append(gw, GarbagePrefix+strings.ToLower(p))
			}
		}
		fmt.Fprintf(&b, "<garbage> = (%s)+;\n", strings.Join(gw, " | "))
		fmt.Fprintf(&b, "public <command> = /1/ (%s) | /%g/ <garbage>;\n", strings.Join(cmds, " | "), opt.Garbage)
	} else {
		fmt.Fprintf(&b, "public <command> = %s;\n", strings.Join(cmds, " | "))
		fsg, err := wordFSG(name, sentences)
		if err != nil {
			return nil, err
		}
		g.FSG = fsg
	}
	g.JSGF = b.String()
	for w := range words {
		g.Words = append(g.Words, w)
	}
	sort.Strings(g.Words)
	return g, nil
}

func parseForm(kind, phrase string) (form, error) {
	f := form{kind: kind}
	for _, t := range strings.Fields(phrase) {
		if strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") {
			if f.slot != "" {
				return f, fmt.Errorf("voice: %s: phrase %q has more than one slot", kind, phrase)
			}
			f.slot = t[1 : len(t)-1]
			continue
		}
		if f.slot == "" {
			f.prefix = append(f.prefix, t)
		} else {
			f.suffix = append(f.suffix, t)
		}
	}
	return f, nil
}

// Match maps decoded words to an intent. ok is false when the words are
// empty, contain garbage, or form no phrase of the grammar.
func (g *Grammar) Match(words []string) (Intent, bool) {
	if len(words) == 0 {
		return Intent{}, false
	}
	for _, w := range words {
		if strings.HasPrefix(w, GarbagePrefix) {
			return Intent{}, false
		}
	}
	if in, ok := g.exact[strings.Join(words, " ")]; ok {
		return in, true
	}
	for _, f := range g.forms {
		if f.slot == "" || len(words) <= len(f.prefix)+len(f.suffix) {
			continue
		}
		if !hasPrefix(words, f.prefix) || !hasSuffix(words, f.suffix) {
			continue
		}
		mid := strings.Join(words[len(f.prefix):len(words)-len(f.suffix)], " ")
		if v, ok := f.values[mid]; ok {
			return Intent{Kind: f.kind, Slots: map[string]string{f.slot: v}}, true
		}
	}
	return Intent{}, false
}

// Parse is Match on a transcript ("navigate to rue grimaldi").
func (g *Grammar) Parse(text string) (Intent, bool) { return g.Match(Words(text)) }

// Words splits a transcript into grammar tokens, dropping PocketSphinx's
// alternate-pronunciation marks ("the(2)").
func Words(text string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if i := strings.IndexByte(w, '('); i > 0 {
			w = w[:i]
		}
		out = append(out, w)
	}
	return out
}

// concat joins word lists into a new one.
func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func hasPrefix(w, p []string) bool {
	for i := range p {
		if w[i] != p[i] {
			return false
		}
	}
	return true
}

func hasSuffix(w, s []string) bool {
	for i := range s {
		if w[len(w)-len(s)+i] != s[i] {
			return false
		}
	}
	return true
}

// Samples returns, for every phrase of specs, the phrase with up to n
// values of its slot (spread over the list), as transcripts: the test
// corpus and `fascia voice phrases` use them.
func Samples(specs []Spec, slots Slots, n int) []string {
	var out []string
	for _, s := range specs {
		for _, p := range s.Phrases {
			f, _ := parseForm(s.Kind, p)
			if f.slot == "" {
				out = append(out, p)
				continue
			}
			vals := slots[f.slot]
			step := 1
			if len(vals) > n && n > 0 {
				step = len(vals) / n
			}
			for i, k := 0, 0; i < len(vals) && k < n; i, k = i+step, k+1 {
				out = append(out, strings.Join(append(append(append([]string{}, f.prefix...), vals[i].Words...), f.suffix...), " "))
			}
		}
	}
	return out
}
