package voice

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func wavBytes(rate, channels, bits int, samples []int16) []byte {
	var b bytes.Buffer
	data := 2 * len(samples)
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, uint16(1))
	binary.Write(&b, binary.LittleEndian, uint16(channels))
	binary.Write(&b, binary.LittleEndian, uint32(rate))
	binary.Write(&b, binary.LittleEndian, uint32(rate*channels*bits/8))
	binary.Write(&b, binary.LittleEndian, uint16(channels*bits/8))
	binary.Write(&b, binary.LittleEndian, uint16(bits))
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	binary.Write(&b, binary.LittleEndian, samples)
	return b.Bytes()
}

func TestReadWAV(t *testing.T) {
	good := wavBytes(16000, 1, 16, []int16{1, -2, 3, 32767, -32768})
	a, err := ReadWAV(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if a.Rate != 16000 || a.Channels != 1 || len(a.Samples) != 5 || a.Samples[4] != -32768 {
		t.Fatalf("%+v", a)
	}
	var w bytes.Buffer
	WriteWAV(&w, 16000, a.Samples)
	if !bytes.Equal(w.Bytes(), good) {
		t.Fatal("WriteWAV does not round-trip")
	}
	// an extra chunk before data is skipped
	withList := append(append(append([]byte{}, good[:36]...), []byte("LIST\x03\x00\x00\x00abc\x00")...), good[36:]...)
	if a, err := ReadWAV(bytes.NewReader(withList)); err != nil || len(a.Samples) != 5 {
		t.Fatalf("LIST chunk: %v", err)
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"short", []byte("RIFF"), "too short"},
		{"not riff", []byte("OggS\x00\x00\x00\x00WAVE"), "not a RIFF"},
		{"not wave", []byte("RIFF\x00\x00\x00\x00AVI "), "want WAVE"},
		{"no fmt", []byte("RIFF\x04\x00\x00\x00WAVE"), "no fmt"},
		{"data first", append([]byte("RIFF\x00\x00\x00\x00WAVEdata\x02\x00\x00\x00"), 0, 0), "before fmt"},
		{"8 bit", wavBytes(16000, 1, 8, []int16{1}), "8 bits"},
		{"truncated data", good[:len(good)-3], "truncated"},
		{"huge data", append(append([]byte{}, good[:40]...), 0xfe, 0xff, 0xff, 0x7f), "more than"},
		{"zero rate", wavBytes(0, 1, 16, []int16{1}), "sample rate 0"},
	}
	for _, c := range cases {
		_, err := ReadWAV(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}

func TestSpeechFormat(t *testing.T) {
	for _, c := range []struct {
		rate, ch int
		n        int
		want     string
	}{
		{8000, 1, 100, "8000 Hz"},
		{16000, 2, 100, "2 channel"},
		{44100, 2, 100, "16000 Hz mono"},
		{16000, 1, 0, "no samples"},
	} {
		a, err := ReadWAV(bytes.NewReader(wavBytes(c.rate, c.ch, 16, make([]int16, c.n))))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Speech(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d Hz %d ch: err %v, want %q", c.rate, c.ch, err, c.want)
		}
	}
}

func FuzzReadWAV(f *testing.F) {
	f.Add(wavBytes(16000, 1, 16, []int16{1, 2, 3}))
	f.Add(wavBytes(8000, 2, 16, []int16{1, 2, 3, 4}))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80>\x00\x00\x00}\x00\x00\x02\x00\x10\x00data\xff\xff\xff\xff\x01\x00"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x28\x00\x00\x00\xfe\xff"))
	if b, err := os.ReadFile(filepath.Join("/usr/share/pocketsphinx/test/data/cards", "001.wav")); err == nil && len(b) > 0 {
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadWAV(bytes.NewReader(b))
		if err != nil {
			if a != nil {
				t.Fatal("audio with an error")
			}
			return
		}
		if a.Channels < 1 || a.Rate < 1000 || len(a.Samples)%a.Channels != 0 {
			t.Fatalf("bad audio %d ch %d Hz %d samples", a.Channels, a.Rate, len(a.Samples))
		}
		if len(a.Samples)*2 > len(b) {
			t.Fatal("more samples than bytes")
		}
	})
}
