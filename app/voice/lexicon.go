package voice

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Lexicon supplies pronunciations for words the recognizer's dictionary
// lacks, from espeak-ng's phonemizer (`espeak-ng -q --ipa`), mapped to the
// model's ARPAbet phones. Results are cached, so regenerating a grammar
// only phonemizes new words.
type Lexicon struct {
	Voice string // espeak-ng voice, default "en-us"
	Bin   string // espeak-ng binary, default "espeak-ng"

	mu    sync.Mutex
	cache map[string]string
}

// Pronounce returns ARPAbet pronunciations ("G R IH M AA L D IY") for
// words, in one espeak-ng run for all words not yet cached.
func (l *Lexicon) Pronounce(ctx context.Context, words []string) (map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cache == nil {
		l.cache = map[string]string{}
	}
	var todo []string
	for _, w := range words {
		if _, ok := l.cache[w]; !ok {
			todo = append(todo, w)
		}
	}
	if len(todo) > 0 {
		ipa, err := l.espeak(ctx, todo)
		if err != nil {
			return nil, err
		}
		for i, w := range todo {
			p := IPAToARPAbet(ipa[i])
			if p == "" {
				return nil, fmt.Errorf("voice: espeak-ng gave no phones for %q (%q)", w, ipa[i])
			}
			l.cache[w] = p
		}
	}
	out := make(map[string]string, len(words))
	for _, w := range words {
		out[w] = l.cache[w]
	}
	return out, nil
}

func (l *Lexicon) espeak(ctx context.Context, words []string) ([]string, error) {
	bin, v := l.Bin, l.Voice
	if bin == "" {
		bin = "espeak-ng"
	}
	if v == "" {
		v = "en-us"
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var in bytes.Buffer
	for _, w := range words {
		// one clause per line: the period makes espeak-ng print each
		// word's phones on a line of its own
		in.WriteString(strings.ReplaceAll(w, "_", " ") + ".\n")
	}
	cmd := exec.CommandContext(ctx, bin, "-q", "--ipa", "-v", v)
	cmd.Stdin = &in
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("voice: phonemizer %s: %v: %s (install espeak-ng)", bin, err, strings.TrimSpace(errb.String()))
	}
	var lines []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if len(lines) != len(words) {
		return nil, fmt.Errorf("voice: phonemizer gave %d lines for %d words", len(lines), len(words))
	}
	return lines, nil
}

// ipaPhones maps espeak-ng's IPA symbols to ARPAbet, longest first.
var ipaPhones = []struct{ ipa, arpa string }{
	{"tʃ", "CH"}, {"dʒ", "JH"}, {"aɪ", "AY"}, {"aʊ", "AW"}, {"eɪ", "EY"}, {"oʊ", "OW"}, {"əʊ", "OW"},
	{"ɔɪ", "OY"}, {"ɪə", "IH R"}, {"eə", "EH R"}, {"ʊə", "UH R"}, {"ɜː", "ER"}, {"ɑː", "AA"},
	{"ɔː", "AO"}, {"iː", "IY"}, {"uː", "UW"}, {"oː", "OW"}, {"aː", "AA"}, {"eː", "EY"},
	{"i", "IY"}, {"ɪ", "IH"}, {"ᵻ", "IH"}, {"ɛ", "EH"}, {"e", "EH"}, {"æ", "AE"}, {"ɑ", "AA"},
	{"a", "AA"}, {"ɒ", "AA"}, {"ɔ", "AO"}, {"o", "OW"}, {"u", "UW"}, {"ʊ", "UH"}, {"ʌ", "AH"},
	{"ə", "AH"}, {"ɐ", "AH"}, {"ɚ", "ER"}, {"ɝ", "ER"}, {"y", "UW"}, {"ø", "ER"}, {"œ", "ER"},
	{"p", "P"}, {"b", "B"}, {"t", "T"}, {"d", "D"}, {"k", "K"}, {"ɡ", "G"}, {"g", "G"},
	{"f", "F"}, {"v", "V"}, {"θ", "TH"}, {"ð", "DH"}, {"s", "S"}, {"z", "Z"}, {"ʃ", "SH"},
	{"ʒ", "ZH"}, {"h", "HH"}, {"m", "M"}, {"n", "N"}, {"ŋ", "NG"}, {"ɲ", "N Y"}, {"l", "L"},
	{"ɫ", "L"}, {"ɹ", "R"}, {"r", "R"}, {"ɾ", "T"}, {"ʁ", "R"}, {"j", "Y"}, {"w", "W"},
	{"x", "K"}, {"ç", "HH"}, {"ʔ", ""},
}

// IPAToARPAbet maps espeak-ng IPA ("ɡɹɪmˈældi") to ARPAbet phones
// ("G R IH M AE L D IY"). Stress, length and unknown symbols are dropped;
// "ER R" collapses to "ER".
func IPAToARPAbet(ipa string) string {
	var out []string
	s := ipa
	for len(s) > 0 {
		matched := false
		for _, p := range ipaPhones {
			if strings.HasPrefix(s, p.ipa) {
				if p.arpa != "" {
					out = append(out, strings.Fields(p.arpa)...)
				}
				s = s[len(p.ipa):]
				matched = true
				break
			}
		}
		if !matched {
			// stress marks, length, syllabic and nasal diacritics, spaces
			_, n := utf8.DecodeRuneInString(s)
			s = s[n:]
		}
	}
	var res []string
	for i, p := range out {
		if p == "R" && i > 0 && out[i-1] == "ER" {
			continue
		}
		res = append(res, p)
	}
	return strings.Join(res, " ")
}
