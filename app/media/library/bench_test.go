package library

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchFiles is the size of the generated library.
const benchFiles = 2000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchLibrary generates 2,000 files in a temporary folder by copying the
// demo tracks and the freedesktop sounds with new tags (FLAC: a new
// VORBIS_COMMENT block; MP3: a new ID3v2.3 tag; Ogg and WAV copied as is),
// 50 files per album folder: 40 % MP3, 30 % FLAC, 20 % Ogg, 10 % WAV.
func benchLibrary(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "fascia-media-bench")
		if benchErr != nil {
			return
		}
		read := func(p string) []byte {
			d, err := os.ReadFile(p)
			if err != nil && benchErr == nil {
				benchErr = err
			}
			return d
		}
		flac := read(filepath.Join(demoDir, "02-open-road.flac"))
		mp3 := read(filepath.Join(demoDir, "01-city-lights.mp3"))
		wav := read(filepath.Join(demoDir, "02-last-exit.wav"))
		oggs := [][]byte{read(filepath.Join(demoDir, "04-dorian-cruise.ogg"))}
		if fd, _ := filepath.Glob(filepath.Join(freedesktop, "*.oga")); len(fd) > 0 {
			for _, p := range fd {
				oggs = append(oggs, read(p))
			}
		}
		if benchErr != nil {
			return
		}
		for i := 0; i < benchFiles; i++ {
			artist, album := fmt.Sprintf("Artist %d", i/200), fmt.Sprintf("Album %d", i/50)
			title := fmt.Sprintf("Song number %d", i)
			dir := filepath.Join(benchDir, artist, album)
			os.MkdirAll(dir, 0o755)
			var data []byte
			var ext string
			switch k := i % 10; {
			case k < 4:
				data, ext = retagMP3(mp3, title, artist, album, i%50+1), "mp3"
			case k < 7:
				data, ext = retagFLAC(flac, title, artist, album, i%50+1), "flac"
			case k < 9:
				data, ext = oggs[i%len(oggs)], "ogg"
			default:
				data, ext = wav, "wav"
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d %s.%s", i%50+1, title, ext)), data, 0o644); err != nil {
				benchErr = err
				return
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// retagFLAC replaces the VORBIS_COMMENT block.
func retagFLAC(src []byte, title, artist, album string, no int) []byte {
	var c bytes.Buffer
	le := func(v int) { binary.Write(&c, binary.LittleEndian, uint32(v)) }
	vendor := "fascia bench"
	le(len(vendor))
	c.WriteString(vendor)
	kv := []string{"TITLE=" + title, "ARTIST=" + artist, "ALBUM=" + album, fmt.Sprintf("TRACKNUMBER=%d", no)}
	le(len(kv))
	for _, s := range kv {
		le(len(s))
		c.WriteString(s)
	}
	out := append([]byte(nil), src[:4]...)
	off := 4
	for {
		h := src[off]
		n := int(src[off+1])<<16 | int(src[off+2])<<8 | int(src[off+3])
		next := off + 4 + n
		body := src[off+4 : next]
		if h&0x7f == 4 {
			body = c.Bytes()
			n = len(body)
		}
		out = append(out, h, byte(n>>16), byte(n>>8), byte(n))
		out = append(out, body...)
		off = next
		if h&0x80 != 0 {
			break
		}
	}
	return append(out, src[off:]...)
}

// retagMP3 replaces the ID3v2 tag with a new ID3v2.3 tag.
func retagMP3(src []byte, title, artist, album string, no int) []byte {
	audio := src
	if string(src[:3]) == "ID3" {
		audio = src[10+syncsafe(src[6:10]):]
	}
	var fr bytes.Buffer
	frame := func(id, v string) {
		fr.WriteString(id)
		binary.Write(&fr, binary.BigEndian, uint32(len(v)+1))
		fr.Write([]byte{0, 0, 3}) // flags, UTF-8 text encoding
		fr.WriteString(v)
	}
	frame("TIT2", title)
	frame("TPE1", artist)
	frame("TALB", album)
	frame("TRCK", fmt.Sprint(no))
	n := fr.Len()
	h := []byte{'I', 'D', '3', 3, 0, 0, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
	return append(append(h, fr.Bytes()...), audio...)
}

func TestBenchLibraryIsReal(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 2,000 files")
	}
	dir := benchLibrary(&testing.B{})
	l := newLib(t, Options{Folders: []string{dir}})
	st, err := l.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Seen != benchFiles || st.Tracks != benchFiles || st.Skipped != 0 {
		t.Fatalf("generated library: %+v", st)
	}
	found, _ := l.Search(context.Background(), "song 1234", 0)
	if len(found) != 1 || found[0].Artist != "Artist 6" || found[0].Album != "Album 24" {
		t.Fatalf("retagged file: %+v", found)
	}
}

// BenchmarkScanCold indexes the 2,000-file library into a new index.
func BenchmarkScanCold(b *testing.B) {
	dir := benchLibrary(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(b.TempDir(), "media.db")
		b.StartTimer()
		l, err := New(Options{DBPath: db, Folders: []string{dir}, NoMusicDir: true, Log: quiet()})
		if err != nil {
			b.Fatal(err)
		}
		st, err := l.Scan(ctx)
		if err != nil || st.Tracks != benchFiles {
			b.Fatalf("%+v %v", st, err)
		}
		l.Close()
	}
	b.ReportMetric(float64(benchFiles*b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkRescanUnchanged rescans the indexed library with no changes.
func BenchmarkRescanUnchanged(b *testing.B) {
	dir := benchLibrary(b)
	ctx := context.Background()
	l, err := New(Options{DBPath: filepath.Join(b.TempDir(), "media.db"), Folders: []string{dir}, NoMusicDir: true, Log: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Scan(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := l.Scan(ctx)
		if err != nil || st.Unchanged != benchFiles {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.ReportMetric(float64(benchFiles*b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkSearch is a two-word prefix search over the 2,000 tracks.
func BenchmarkSearch(b *testing.B) {
	dir := benchLibrary(b)
	ctx := context.Background()
	l, err := New(Options{DBPath: filepath.Join(b.TempDir(), "media.db"), Folders: []string{dir}, NoMusicDir: true, Log: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	l.Scan(ctx)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := l.Search(ctx, "art 3 song", 50); err != nil || len(r) == 0 {
			b.Fatal(len(r), err)
		}
	}
}
