package library

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dhowden/tag"
)

// skipError is why a file that looked like audio is not a track. Its
// message starts with the class: "unsupported", "corrupt" or "truncated".
type skipError struct{ class, detail string }

func (e *skipError) Error() string { return e.class + ": " + e.detail }

func unsupported(f string, a ...any) error {
	return &skipError{"unsupported", fmt.Sprintf(f, a...)}
}
func corrupt(f string, a ...any) error { return &skipError{"corrupt", fmt.Sprintf(f, a...)} }
func truncated(f string, a ...any) error {
	return &skipError{"truncated", fmt.Sprintf(f, a...)}
}

// errNotAudio means the content is not an audio format we know at all.
var errNotAudio = errors.New("not audio")

// info is what probing a file yields.
type info struct {
	Format                                   string
	Title, Artist, Album, AlbumArtist, Genre string
	TrackNo, DiscNo, Year                    int
	Duration                                 time.Duration
	HasCover                                 bool
}

// sniff names the audio format from the first bytes of a file, by content
// only: "flac", "ogg", "wav", "mp3", or "" when it is none of them. An ID3v2
// tag in front of the audio is skipped (its size is read from the header).
func sniff(r io.ReaderAt, size int64) (format string, audioStart int64) {
	var h [16]byte
	n, _ := r.ReadAt(h[:], 0)
	b := h[:n]
	if n >= 10 && string(b[:3]) == "ID3" {
		audioStart = 10 + int64(syncsafe(b[6:10]))
		if b[5]&0x10 != 0 {
			audioStart += 10 // footer
		}
		n, _ = r.ReadAt(h[:], audioStart)
		b = h[:n]
		// Some encoders pad after the tag; look a little further for a frame.
		if n >= 4 && !mp3Sync(b) && string(b[:4]) != "fLaC" {
			if off, ok := findMP3Frame(r, audioStart, size, 4096); ok {
				return "mp3", off
			}
		}
	}
	switch {
	case len(b) >= 4 && string(b[:4]) == "fLaC":
		return "flac", audioStart
	case len(b) >= 4 && string(b[:4]) == "OggS":
		return "ogg", audioStart
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "wav", audioStart
	case len(b) >= 4 && mp3Sync(b):
		if _, ok := parseMP3Header(b); ok {
			if audioStart > 0 || nextFrameValid(r, audioStart, b) {
				return "mp3", audioStart
			}
		}
	}
	return "", 0
}

func syncsafe(b []byte) int {
	return int(b[0]&0x7f)<<21 | int(b[1]&0x7f)<<14 | int(b[2]&0x7f)<<7 | int(b[3]&0x7f)
}

// probe reads format, tags and duration. rs is positioned anywhere; size is
// the file's length. Errors are *skipError or errNotAudio.
func probe(rs readSeekerAt, size int64) (info, error) {
	format, start := sniff(rs, size)
	var in info
	in.Format = format
	var err error
	switch format {
	case "":
		return in, errNotAudio
	case "flac":
		err = probeFLAC(rs, size, start, &in)
	case "ogg":
		err = probeOgg(rs, size, &in)
	case "wav":
		err = probeWAV(rs, size, &in)
	case "mp3":
		err = probeMP3(rs, size, start, &in)
	}
	if err != nil {
		return in, err
	}
	for _, s := range []*string{&in.Title, &in.Artist, &in.Album, &in.AlbumArtist, &in.Genre} {
		*s = cleanTag(*s)
	}
	return in, nil
}

// cleanTag trims blanks and NULs and drops invalid UTF-8.
func cleanTag(s string) string {
	s = strings.TrimRight(s, "\x00")
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return s
}

type readSeekerAt interface {
	io.ReadSeeker
	io.ReaderAt
}

func fromMeta(m tag.Metadata, in *info) {
	in.Title, in.Artist, in.Album, in.AlbumArtist, in.Genre = m.Title(), m.Artist(), m.Album(), m.AlbumArtist(), m.Genre()
	in.TrackNo, _ = m.Track()
	in.DiscNo, _ = m.Disc()
	in.Year = m.Year()
	if p := m.Picture(); p != nil && len(p.Data) > 0 {
		in.HasCover = true
	}
}

// readTags runs one of tag's readers, turning its panics (it has had some
// on hostile input) and errors into a skip reason.
func readTags(what string, f func() (tag.Metadata, error)) (m tag.Metadata, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, corrupt("%s tags: %v", what, p)
		}
	}()
	m, err = f()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, truncated("%s tags end early", what)
		}
		return nil, corrupt("%s tags: %v", what, err)
	}
	return m, nil
}

// --- FLAC -------------------------------------------------------------

func probeFLAC(rs readSeekerAt, size, start int64, in *info) error {
	var h [42]byte // "fLaC" + block header + STREAMINFO
	if n, _ := rs.ReadAt(h[:], start); n < len(h) {
		return truncated("flac header is %d bytes", n)
	}
	if h[4]&0x7f != 0 || int(h[5])<<16|int(h[6])<<8|int(h[7]) != 34 {
		return corrupt("flac: first metadata block is not STREAMINFO")
	}
	si := h[8:]
	rate := int(si[10])<<12 | int(si[11])<<4 | int(si[12])>>4
	total := int64(si[13]&0x0f)<<32 | int64(binary.BigEndian.Uint32(si[14:18]))
	if rate == 0 {
		return corrupt("flac: sample rate 0")
	}
	if total > 0 {
		in.Duration = samplesDur(total, int64(rate))
	}
	if err := checkFLACBlocks(rs, size, start); err != nil {
		return err
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return corrupt("flac: %v", err)
	}
	m, err := readTags("flac", func() (tag.Metadata, error) { return tag.ReadFLACTags(rs) })
	if err != nil {
		return err
	}
	fromMeta(m, in)
	// The audio must start after the metadata; a file that ends inside
	// or right at the end of the metadata has no audio left.
	pos, _ := rs.Seek(0, io.SeekCurrent)
	if pos >= size {
		return truncated("flac: no audio frames after the metadata")
	}
	if total > 0 {
		if err := flacTailCheck(rs, size, pos, total, rate, int64(binary.BigEndian.Uint16(si[0:2]))); err != nil {
			return err
		}
	}
	return nil
}

// flacTailCheck finds the last frame header in the last few kilobytes and
// checks that the stream does not stop well before STREAMINFO's sample count.
func flacTailCheck(r io.ReaderAt, size, audio, total int64, rate int, minBlock int64) error {
	const tail = 32 << 10
	off := max(audio, size-tail)
	buf := make([]byte, size-off)
	if n, _ := r.ReadAt(buf, off); n < len(buf) {
		return truncated("flac: short read at end")
	}
	for i := len(buf) - 6; i >= 0; i-- {
		if buf[i] != 0xff || buf[i+1]&0xfe != 0xf8 {
			continue
		}
		first, blocksize, ok := flacFrameStart(buf[i:], rate, minBlock)
		if !ok {
			continue
		}
		if first+blocksize < total-int64(rate)/10 && first < total {
			return truncated("flac: stream ends at sample %d of %d", first+blocksize, total)
		}
		return nil
	}
	return nil // no frame header found in the tail: frames are larger; do not guess
}

// flacFrameStart decodes a frame header's first sample (fixed or variable
// blocking) and block size; only headers that decode cleanly count.
func flacFrameStart(b []byte, rate int, minBlock int64) (first, blocksize int64, ok bool) {
	if len(b) < 6 {
		return 0, 0, false
	}
	// The frame's sample rate must agree with STREAMINFO (or defer to it).
	if sr := flacRates[b[2]&0x0f]; sr != 0 && sr != rate {
		return 0, 0, false
	}
	variable := b[1]&1 == 1
	bsCode := b[2] >> 4
	srCode := b[2] & 0x0f
	if bsCode == 0 || srCode == 15 || b[3]>>4 > 10 || (b[3]>>1)&7 == 3 || (b[3]>>1)&7 == 7 || b[3]&1 != 0 {
		return 0, 0, false
	}
	// UTF-8-like coded number.
	c := b[4]
	var v int64
	var extra int
	switch {
	case c < 0x80:
		v = int64(c)
	case c&0xe0 == 0xc0:
		v, extra = int64(c&0x1f), 1
	case c&0xf0 == 0xe0:
		v, extra = int64(c&0x0f), 2
	case c&0xf8 == 0xf0:
		v, extra = int64(c&0x07), 3
	case c&0xfc == 0xf8:
		v, extra = int64(c&0x03), 4
	case c&0xfe == 0xfc:
		v, extra = int64(c&0x01), 5
	case c == 0xfe:
		extra = 6
	default:
		return 0, 0, false
	}
	p := 5
	if len(b) < p+extra+2 {
		return 0, 0, false
	}
	for k := 0; k < extra; k++ {
		if b[p]&0xc0 != 0x80 {
			return 0, 0, false
		}
		v = v<<6 | int64(b[p]&0x3f)
		p++
	}
	if len(b) < p+2+2 {
		return 0, 0, false
	}
	switch {
	case bsCode == 1:
		blocksize = 192
	case bsCode >= 2 && bsCode <= 5:
		blocksize = 576 << (bsCode - 2)
	case bsCode == 6:
		blocksize = int64(b[p]) + 1
		p++
	case bsCode == 7:
		blocksize = int64(b[p])<<8 | int64(b[p+1]) + 1
		p += 2
	default:
		blocksize = 256 << (bsCode - 8)
	}
	switch srCode {
	case 12:
		p++
	case 13, 14:
		p += 2
	}
	if len(b) < p+1 || crc8(b[:p]) != b[p] {
		return 0, 0, false
	}
	if variable {
		return v, blocksize, true
	}
	// Fixed blocking numbers frames; all but the last have STREAMINFO's block size.
	return v * minBlock, blocksize, true
}

// flacRates are the frame header's sample-rate codes (0: see STREAMINFO or
// read from the end of the header).
var flacRates = [16]int{0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000}

// crc8 is FLAC's frame header CRC (polynomial x^8+x^2+x+1).
func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
		for i := 0; i < 8; i++ {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// --- Ogg Vorbis ---------------------------------------------------------

func probeOgg(rs readSeekerAt, size int64, in *info) error {
	var h [27 + 255]byte
	n, _ := rs.ReadAt(h[:], 0)
	if n < 27+1 {
		return truncated("ogg: first page header is %d bytes", n)
	}
	nseg := int(h[26])
	if n < 27+nseg {
		return truncated("ogg: first page header cut")
	}
	var id [30]byte
	if m, _ := rs.ReadAt(id[:], int64(27+nseg)); m < len(id) {
		return truncated("ogg: identification header cut")
	}
	switch {
	case string(id[:7]) == "\x01vorbis":
	case string(id[:8]) == "OpusHead":
		return unsupported("ogg opus (only vorbis is played)")
	case string(id[:5]) == "\x7fFLAC":
		return unsupported("flac in ogg (only vorbis is played)")
	default:
		return unsupported("ogg stream that is not vorbis")
	}
	rate := binary.LittleEndian.Uint32(id[12:16])
	if rate == 0 {
		return corrupt("ogg: vorbis sample rate 0")
	}
	gran, eos, err := oggLastPage(rs, size)
	if err != nil {
		return err
	}
	if !eos {
		return truncated("ogg: no end-of-stream page")
	}
	if gran > 0 {
		in.Duration = samplesDur(gran, int64(rate))
	}
	if err := checkOggComments(rs, size); err != nil {
		return err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return corrupt("ogg: %v", err)
	}
	m, err := readTags("ogg", func() (tag.Metadata, error) { return tag.ReadOGGTags(rs) })
	if err != nil {
		return err
	}
	fromMeta(m, in)
	return nil
}

// oggLastPage finds the last complete page in the file's tail and returns
// its granule position and whether it ends the stream.
func oggLastPage(r io.ReaderAt, size int64) (granule int64, eos bool, err error) {
	const tail = 64 << 10
	off := max(0, size-tail)
	buf := make([]byte, size-off)
	if n, _ := r.ReadAt(buf, off); n < len(buf) {
		return 0, false, truncated("ogg: short read at end")
	}
	for i := bytes.LastIndex(buf, []byte("OggS")); i >= 0; i = bytes.LastIndex(buf[:i], []byte("OggS")) {
		p := buf[i:]
		if len(p) < 27 || p[4] != 0 {
			continue
		}
		nseg := int(p[26])
		if len(p) < 27+nseg {
			return 0, false, truncated("ogg: last page header cut")
		}
		body := 0
		for _, s := range p[27 : 27+nseg] {
			body += int(s)
		}
		if len(p) < 27+nseg+body {
			return 0, false, truncated("ogg: last page cut (%d of %d bytes)", len(p), 27+nseg+body)
		}
		return int64(binary.LittleEndian.Uint64(p[6:14])), p[5]&4 != 0, nil
	}
	return 0, false, corrupt("ogg: no page found at the end")
}

// --- WAV ----------------------------------------------------------------

func probeWAV(rs readSeekerAt, size int64, in *info) error {
	w, err := parseWAV(rs, size)
	if err != nil {
		return err
	}
	in.Title, in.Artist, in.Album, in.Genre = w.info["INAM"], w.info["IART"], w.info["IPRD"], w.info["IGNR"]
	in.TrackNo, _ = strconv.Atoi(strings.TrimSpace(firstNonEmpty(w.info["ITRK"], w.info["IPRT"])))
	if y := strings.TrimSpace(w.info["ICRD"]); len(y) >= 4 {
		in.Year, _ = strconv.Atoi(y[:4])
	}
	if w.byteRate > 0 {
		in.Duration = samplesDur(w.dataSize, w.byteRate)
	}
	if w.id3Size > 0 && checkID3v2(rs, w.id3Off+w.id3Size, w.id3Off) {
		sr := io.NewSectionReader(rs, w.id3Off, w.id3Size)
		if m, err := readTags("wav id3", func() (tag.Metadata, error) { return tag.ReadID3v2Tags(sr) }); err == nil {
			var t info
			fromMeta(m, &t)
			// ID3 wins over INFO where it has a value.
			for dst, src := range map[*string]string{&in.Title: t.Title, &in.Artist: t.Artist, &in.Album: t.Album, &in.AlbumArtist: t.AlbumArtist, &in.Genre: t.Genre} {
				if src != "" {
					*dst = src
				}
			}
			if t.TrackNo > 0 {
				in.TrackNo = t.TrackNo
			}
			if t.DiscNo > 0 {
				in.DiscNo = t.DiscNo
			}
			if t.Year > 0 {
				in.Year = t.Year
			}
			in.HasCover = t.HasCover
		}
	}
	return nil
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// wavInfo is what parseWAV finds in a RIFF/WAVE file.
type wavInfo struct {
	format, channels int
	rate, byteRate   int64
	bits             int
	dataOff          int64
	dataSize         int64
	info             map[string]string // LIST/INFO fields (INAM, IART, …)
	id3Off, id3Size  int64
}

// parseWAV walks the RIFF chunks: fmt, data, LIST/INFO and an "id3 " chunk.
// A data chunk that claims more bytes than the file holds is truncation
// (except the streaming sizes 0 and 0xFFFFFFFF, which mean "to the end").
func parseWAV(r io.ReaderAt, size int64) (*wavInfo, error) {
	var h [12]byte
	if n, _ := r.ReadAt(h[:], 0); n < 12 || string(h[:4]) != "RIFF" || string(h[8:12]) != "WAVE" {
		return nil, corrupt("wav: no RIFF/WAVE header")
	}
	w := &wavInfo{info: map[string]string{}, dataOff: -1}
	off := int64(12)
	sawFmt := false
	for chunks := 0; off+8 <= size && chunks < 1000; chunks++ {
		var ch [8]byte
		if n, _ := r.ReadAt(ch[:], off); n < 8 {
			break
		}
		id := string(ch[:4])
		n := int64(binary.LittleEndian.Uint32(ch[4:8]))
		body := off + 8
		switch id {
		case "fmt ":
			if n < 16 {
				return nil, corrupt("wav: fmt chunk is %d bytes", n)
			}
			var f [16]byte
			if m, _ := r.ReadAt(f[:], body); m < 16 {
				return nil, truncated("wav: fmt chunk cut")
			}
			w.format = int(binary.LittleEndian.Uint16(f[0:2]))
			w.channels = int(binary.LittleEndian.Uint16(f[2:4]))
			w.rate = int64(binary.LittleEndian.Uint32(f[4:8]))
			w.byteRate = int64(binary.LittleEndian.Uint32(f[8:12]))
			w.bits = int(binary.LittleEndian.Uint16(f[14:16]))
			sawFmt = true
		case "data":
			w.dataOff = body
			switch {
			case n == 0 || n == 0xffffffff:
				n = size - body
			case body+n > size:
				if !sawFmt {
					return nil, corrupt("wav: data before fmt")
				}
				return nil, truncated("wav: data chunk claims %d bytes, file holds %d", n, size-body)
			}
			w.dataSize = n
		case "LIST":
			if n >= 4 && n <= 1<<20 && body+n <= size {
				b := make([]byte, n)
				if m, _ := r.ReadAt(b, body); int64(m) == n && string(b[:4]) == "INFO" {
					parseINFO(b[4:], w.info)
				}
			}
		case "id3 ", "ID3 ":
			if body+n <= size {
				w.id3Off, w.id3Size = body, n
			}
		}
		off = body + n + n&1 // chunks are word-aligned
	}
	if !sawFmt {
		return nil, corrupt("wav: no fmt chunk")
	}
	if w.dataOff < 0 {
		return nil, truncated("wav: no data chunk")
	}
	switch w.format {
	case 1, 3, 0xfffe: // PCM, float, extensible
	default:
		return nil, unsupported("wav: format tag %#x (only PCM is played)", w.format)
	}
	if w.channels == 0 || w.rate == 0 || w.bits == 0 {
		return nil, corrupt("wav: %d channels, %d Hz, %d bits", w.channels, w.rate, w.bits)
	}
	if w.byteRate == 0 {
		w.byteRate = w.rate * int64(w.channels) * int64(w.bits+7) / 8
	}
	return w, nil
}

// parseINFO reads the sub-chunks of a LIST/INFO chunk into m.
func parseINFO(b []byte, m map[string]string) {
	for len(b) >= 8 {
		id := string(b[:4])
		n := int(binary.LittleEndian.Uint32(b[4:8]))
		if n < 0 || n > len(b)-8 {
			return
		}
		v := b[8 : 8+n]
		if i := bytes.IndexByte(v, 0); i >= 0 {
			v = v[:i]
		}
		m[id] = decodeText(v)
		b = b[8+n:]
		if n&1 == 1 && len(b) > 0 {
			b = b[1:]
		}
	}
}

// decodeText is UTF-8 if valid, else Latin-1 (what RIFF INFO writers use).
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// --- MP3 ----------------------------------------------------------------

type mp3Header struct {
	version       int // 1, 2, or 25 (2.5)
	layer         int
	bitrate       int // bits/s
	rate          int // Hz
	padding       int
	mono          bool
	frameLen      int
	samplesPerFrm int
}

var mp3Bitrates = [2][3][16]int{
	{ // MPEG-1: layers I, II, III
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
	},
	{ // MPEG-2/2.5
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	},
}

var mp3Rates = [3]int{44100, 48000, 32000}

func mp3Sync(b []byte) bool { return len(b) >= 2 && b[0] == 0xff && b[1]&0xe0 == 0xe0 }

func parseMP3Header(b []byte) (mp3Header, bool) {
	var h mp3Header
	if len(b) < 4 || !mp3Sync(b) {
		return h, false
	}
	switch (b[1] >> 3) & 3 {
	case 0:
		h.version = 25
	case 2:
		h.version = 2
	case 3:
		h.version = 1
	default:
		return h, false
	}
	h.layer = 4 - int((b[1]>>1)&3)
	if h.layer == 4 {
		return h, false
	}
	bi, ri := b[2]>>4, (b[2]>>2)&3
	if bi == 0 || bi == 15 || ri == 3 {
		return h, false // free format is not supported
	}
	v := 0
	if h.version != 1 {
		v = 1
	}
	h.bitrate = mp3Bitrates[v][h.layer-1][bi] * 1000
	h.rate = mp3Rates[ri]
	switch h.version {
	case 2:
		h.rate /= 2
	case 25:
		h.rate /= 4
	}
	h.padding = int(b[2]>>1) & 1
	h.mono = b[3]>>6 == 3
	switch {
	case h.layer == 1:
		h.samplesPerFrm = 384
		h.frameLen = (12*h.bitrate/h.rate + h.padding) * 4
	case h.layer == 3 && h.version != 1:
		h.samplesPerFrm = 576
		h.frameLen = 72*h.bitrate/h.rate + h.padding
	default:
		h.samplesPerFrm = 1152
		h.frameLen = 144*h.bitrate/h.rate + h.padding
	}
	return h, h.frameLen > 4
}

// nextFrameValid checks that another frame header follows the first, to
// tell a real MP3 from a file that happens to start with 0xFFE.
func nextFrameValid(r io.ReaderAt, off int64, first []byte) bool {
	h, ok := parseMP3Header(first)
	if !ok {
		return false
	}
	var b [4]byte
	if n, _ := r.ReadAt(b[:], off+int64(h.frameLen)); n < 4 {
		return false
	}
	_, ok = parseMP3Header(b[:])
	return ok
}

// findMP3Frame looks for two consecutive valid frame headers within limit
// bytes from off.
func findMP3Frame(r io.ReaderAt, off, size int64, limit int) (int64, bool) {
	buf := make([]byte, min(int64(limit), max(0, size-off)))
	n, _ := r.ReadAt(buf, off)
	buf = buf[:n]
	for i := 0; i+4 <= len(buf); i++ {
		if buf[i] == 0xff && mp3Sync(buf[i:]) && nextFrameValid(r, off+int64(i), buf[i:i+4]) {
			return off + int64(i), true
		}
	}
	return 0, false
}

func probeMP3(rs readSeekerAt, size, start int64, in *info) error {
	var fb [4]byte
	if n, _ := rs.ReadAt(fb[:], start); n < 4 {
		return truncated("mp3: no audio after the ID3 tag")
	}
	h, ok := parseMP3Header(fb[:])
	if !ok {
		return corrupt("mp3: bad frame header at %d", start)
	}
	audioEnd := size
	var t [3]byte
	if n, _ := rs.ReadAt(t[:], size-128); n == 3 && string(t[:]) == "TAG" {
		audioEnd -= 128
	}
	// Xing/Info (after the side info) or VBRI (at 36) give the frame count.
	side := 32
	switch {
	case h.version == 1 && h.mono:
		side = 17
	case h.version != 1 && !h.mono:
		side = 17
	case h.version != 1:
		side = 9
	}
	var x [64]byte
	rs.ReadAt(x[:], start)
	frames, vbrBytes := int64(0), int64(0)
	if p := 4 + side; p+16 <= len(x) && (string(x[p:p+4]) == "Xing" || string(x[p:p+4]) == "Info") {
		flags := binary.BigEndian.Uint32(x[p+4 : p+8])
		q := p + 8
		if flags&1 != 0 {
			frames = int64(binary.BigEndian.Uint32(x[q : q+4]))
			q += 4
		}
		if flags&2 != 0 && q+4 <= len(x) {
			vbrBytes = int64(binary.BigEndian.Uint32(x[q : q+4]))
		}
	} else if string(x[36:40]) == "VBRI" {
		vbrBytes = int64(binary.BigEndian.Uint32(x[46:50]))
		frames = int64(binary.BigEndian.Uint32(x[50:54]))
	}
	if vbrBytes > 0 && start+vbrBytes > audioEnd+int64(h.frameLen) && vbrBytes < 1<<31 {
		return truncated("mp3: header says %d audio bytes, file holds %d", vbrBytes, audioEnd-start)
	}
	switch {
	case frames > 0:
		in.Duration = samplesDur(frames*int64(h.samplesPerFrm), int64(h.rate))
	case h.bitrate > 0:
		in.Duration = samplesDur((audioEnd-start)*8, int64(h.bitrate))
	}
	var m tag.Metadata
	var err error
	if start > 0 && !checkID3v2(rs, size, 0) {
		return nil // the audio is fine; a broken tag only loses the names
	}
	if start > 0 {
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return corrupt("mp3: %v", err)
		}
		m, err = readTags("mp3 id3v2", func() (tag.Metadata, error) { return tag.ReadID3v2Tags(rs) })
	} else if audioEnd < size {
		m, err = readTags("mp3 id3v1", func() (tag.Metadata, error) { return tag.ReadID3v1Tags(rs) })
	}
	if err != nil {
		// The audio is fine; broken tags only lose the names.
		return nil
	}
	if m != nil {
		fromMeta(m, in)
	}
	return nil
}

// maxDuration caps durations computed from header fields (hostile values
// would overflow time.Duration).
const maxDuration = 1000 * time.Hour

// samplesDur is n units at rate units per second, 0 for nonsense.
func samplesDur(n, rate int64) time.Duration {
	if n <= 0 || rate <= 0 {
		return 0
	}
	d := time.Duration(float64(n) / float64(rate) * float64(time.Second))
	if d < 0 || d > maxDuration {
		return 0
	}
	return d
}
