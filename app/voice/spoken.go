package voice

import (
	"strings"
	"unicode"
)

// Spoken turns a display name ("Avenue Princesse Grace", "Boulevard
// Albert 1er", "AC/DC") into the words a driver says, lower case, one
// grammar token each: accents are dropped, digits and roman numerals are
// spelled out, punctuation splits or joins words as it would be read.
func Spoken(name string) []string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if s, ok := fold[r]; ok {
			b.WriteString(s)
			continue
		}
		switch {
		case r == '\'' || r == '’' || r == '.':
			// d'Ostende → dostende; J. → j
		case r == '&':
			b.WriteString(" and ")
		case r == '+':
			b.WriteString(" plus ")
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsLetter(r):
			// a letter we cannot fold to ASCII: drop it rather than
			// make a token the dictionary can never hold
		default:
			b.WriteByte(' ')
		}
	}
	var out []string
	for _, w := range strings.Fields(b.String()) {
		out = append(out, spellToken(w)...)
	}
	return out
}

var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i",
	'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'ö': "o",
	'õ': "o", 'ø': "o", 'œ': "oe", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'ÿ': "y", 'ß': "ss",
}

var roman = map[string][]string{
	"ii": {"the", "second"}, "iii": {"the", "third"}, "iv": {"the", "fourth"},
	"1er": {"first"}, "1st": {"first"}, "2nd": {"second"}, "3rd": {"third"},
}

func spellToken(w string) []string {
	if r, ok := roman[w]; ok {
		return r
	}
	allDigits := w != ""
	for _, r := range w {
		if r < '0' || r > '9' {
			allDigits = false
		}
	}
	if !allDigits {
		return []string{w}
	}
	if len(w) > 4 {
		var out []string
		for _, r := range w {
			out = append(out, ones[r-'0'])
		}
		return out
	}
	n := 0
	for _, r := range w {
		n = n*10 + int(r-'0')
	}
	return NumberWords(n)
}

var ones = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
var tens = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

// NumberWords spells 0…9999 in English words ("twenty", "eight").
func NumberWords(n int) []string {
	switch {
	case n < 0:
		return append([]string{"minus"}, NumberWords(-n)...)
	case n < 20:
		return []string{ones[n]}
	case n < 100:
		if n%10 == 0 {
			return []string{tens[n/10]}
		}
		return []string{tens[n/10], ones[n%10]}
	case n < 1000:
		out := []string{ones[n/100], "hundred"}
		if n%100 != 0 {
			out = append(out, NumberWords(n%100)...)
		}
		return out
	case n < 10000:
		out := append(NumberWords(n/1000), "thousand")
		if n%1000 != 0 {
			out = append(out, NumberWords(n%1000)...)
		}
		return out
	}
	var out []string
	for _, r := range itoa(n) {
		out = append(out, ones[r-'0'])
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
