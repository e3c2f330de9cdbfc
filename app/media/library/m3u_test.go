package library

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseM3U(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Entry
		err      string
	}{
		{"plain", "a.mp3\nsub/b.flac\n\n/abs/c.ogg\n", []Entry{
			{Path: "/music/list/a.mp3", Line: 1}, {Path: "/music/list/sub/b.flac", Line: 2}, {Path: "/abs/c.ogg", Line: 4}}, ""},
		{"extended CRLF BOM", "\ufeff#EXTM3U\r\n#EXTINF:123,Artist - Title\r\n../x.mp3\r\n#EXTINF:-1,Stream\r\nhttp://r.example/s\r\n", []Entry{
			{Path: "/music/x.mp3", Title: "Artist - Title", Duration: 123 * time.Second, Line: 3},
			{Path: "http://r.example/s", Title: "Stream", Line: 5}}, ""},
		{"CR only and comments", "#EXTM3U\r# a comment\ra.mp3\r#EXTINF:1.5 tvg-id=\"x\",T\rb.mp3", []Entry{
			{Path: "/music/list/a.mp3", Line: 3}, {Path: "/music/list/b.mp3", Title: "T", Duration: 1500 * time.Millisecond, Line: 5}}, ""},
		{"windows separators", "Album\\01 Song.mp3\r\n", []Entry{{Path: "/music/list/Album/01 Song.mp3", Line: 1}}, ""},
		{"file URL", "file:///srv/m%C3%BCsik/a.flac\n", []Entry{{Path: "/srv/müsik/a.flac", Line: 1}}, ""},
		{"latin-1", "#EXTINF:10,Caf\xe9\nM\xfcller.mp3\n", []Entry{{Path: "/music/list/Müller.mp3", Title: "Café", Duration: 10 * time.Second, Line: 2}}, ""},
		{"EXTINF without location", "#EXTINF:10,Lost\n", nil, ""},
		{"bad length", "a.mp3\n#EXTINF:ten,X\nb.mp3\n", []Entry{{Path: "/music/list/a.mp3", Line: 1}}, "line 2: #EXTINF: length \"ten\" is not a number"},
		{"NUL", "a\x00b.mp3\n", nil, "line 1: NUL byte"},
		{"long line", strings.Repeat("x", maxPlaylistLine+10) + "\n", nil, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseM3U(strings.NewReader(tc.in), "/music/list")
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("entry %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// FuzzParseM3U: any input gives entries or an error naming a line, never a
// panic; every entry is an absolute, clean path or a URL, in valid UTF-8.
func FuzzParseM3U(f *testing.F) {
	for _, s := range []string{"#EXTM3U\n#EXTINF:1,a\nb.mp3\n", "\ufeffa\r\nb\rc", "#EXTINF:x", "file:///a%zz", "M\xfcller.mp3"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParseM3U(bytes.NewReader(b), "/music")
		if err != nil && !strings.HasPrefix(err.Error(), "line ") {
			t.Fatalf("error without a line: %v", err)
		}
		for _, e := range es {
			if !utf8.ValidString(e.Path) || !utf8.ValidString(e.Title) {
				t.Fatalf("invalid UTF-8: %q %q", e.Path, e.Title)
			}
			if !e.URL() && (!filepath.IsAbs(e.Path) || filepath.Clean(e.Path) != e.Path) {
				t.Fatalf("path %q not absolute and clean", e.Path)
			}
			if e.Duration < 0 || e.Line < 1 {
				t.Fatalf("entry %+v", e)
			}
		}
	})
}

// FuzzProbe: the header parsers (FLAC STREAMINFO and tail, Ogg pages, RIFF
// chunks and INFO, MP3 frame/Xing/VBRI) and the tag reader never panic and
// either accept a file or give a classified reason.
func FuzzProbe(f *testing.F) {
	for _, n := range []string{"01-first-light.flac", "04-dorian-cruise.ogg", "01-city-lights.mp3", "02-last-exit.wav"} {
		b, err := os.ReadFile(filepath.Join(demoDir, n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 3000)])
	}
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00\x88\x58\x01\x00\x02\x00\x10\x00LIST\x0c\x00\x00\x00INFOINAM\x00\x00\x00\x00data\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := probe(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if err != errNotAudio {
				if _, ok := err.(*skipError); !ok {
					t.Fatalf("unclassified error %T: %v", err, err)
				}
			}
			return
		}
		if in.Format == "" || in.Duration < 0 {
			t.Fatalf("accepted with %+v", in)
		}
		for _, s := range []string{in.Title, in.Artist, in.Album, in.AlbumArtist, in.Genre} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 tag %q", s)
			}
		}
	})
}
