package library

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"strings"
)

// The tag reader allocates whatever a picture block's length field claims
// (up to 4 GiB). These checks walk the same structures first and refuse
// lengths that do not fit in the file, so hostile files cost no memory.

// checkFLACBlocks validates the metadata block chain from start.
func checkFLACBlocks(r io.ReaderAt, size, start int64) error {
	off := start + 4
	for n := 0; n < 1<<16; n++ {
		var h [4]byte
		if m, _ := r.ReadAt(h[:], off); m < 4 {
			return truncated("flac: metadata block header cut at %d", off)
		}
		typ := h[0] & 0x7f
		length := int64(h[1])<<16 | int64(h[2])<<8 | int64(h[3])
		if off+4+length > size {
			return truncated("flac: metadata block %d claims %d bytes past the end", n, off+4+length-size)
		}
		if typ == 6 || typ == 4 {
			b := make([]byte, length)
			r.ReadAt(b, off+4)
			if typ == 6 && !pictureFits(b) {
				return corrupt("flac: picture block lengths exceed the block")
			}
			if typ == 4 {
				if err := checkVorbisComments(b, "flac"); err != nil {
					return err
				}
			}
		}
		off += 4 + length
		if h[0]&0x80 != 0 {
			return nil
		}
	}
	return corrupt("flac: too many metadata blocks")
}

// pictureFits checks a METADATA_BLOCK_PICTURE's inner lengths.
func pictureFits(b []byte) bool {
	p := 4                                   // picture type
	for _, skipAfter := range []int{0, 16} { // MIME, then description + 4 dimensions
		if len(b) < p+4 {
			return false
		}
		n := int(binary.BigEndian.Uint32(b[p:]))
		p += 4
		if n < 0 || n > len(b)-p {
			return false
		}
		p += n + skipAfter
	}
	if len(b) < p+4 {
		return false
	}
	n := int(binary.BigEndian.Uint32(b[p:]))
	return n >= 0 && n <= len(b)-p-4
}

// checkOggComments reassembles the second packet (the Vorbis comment
// header) of the first logical stream and checks its lengths, including
// any METADATA_BLOCK_PICTURE.
func checkOggComments(r io.ReaderAt, size int64) error {
	const maxPacket = 16 << 20
	var pkt []byte
	packets := 0
	off := int64(0)
	for pages := 0; pages < 10000 && packets < 2; pages++ {
		var h [27]byte
		if n, _ := r.ReadAt(h[:], off); n < 27 || string(h[:4]) != "OggS" {
			return truncated("ogg: header pages cut at %d", off)
		}
		nseg := int(h[26])
		seg := make([]byte, nseg)
		if n, _ := r.ReadAt(seg, off+27); n < nseg {
			return truncated("ogg: page header cut at %d", off)
		}
		body := off + 27 + int64(nseg)
		for _, s := range seg {
			if packets == 1 {
				if body+int64(s) > size || len(pkt)+int(s) > maxPacket {
					return truncated("ogg: comment header cut")
				}
				b := make([]byte, s)
				r.ReadAt(b, body)
				pkt = append(pkt, b...)
			}
			body += int64(s)
			if s < 255 {
				packets++
				if packets == 2 {
					break
				}
			}
		}
		off = off + 27 + int64(nseg)
		for _, s := range seg {
			off += int64(s)
		}
	}
	if packets < 2 {
		return corrupt("ogg: no comment header")
	}
	if len(pkt) < 7 || string(pkt[:7]) != "\x03vorbis" {
		return corrupt("ogg: second packet is not a vorbis comment header")
	}
	return checkVorbisComments(pkt[7:], "ogg")
}

// checkVorbisComments checks a Vorbis comment structure (vendor, count,
// comments) against its length, including any METADATA_BLOCK_PICTURE.
func checkVorbisComments(b []byte, what string) error {
	next := func() ([]byte, bool) {
		if len(b) < 4 {
			return nil, false
		}
		n := int(binary.LittleEndian.Uint32(b))
		if n < 0 || n > len(b)-4 {
			return nil, false
		}
		v := b[4 : 4+n]
		b = b[4+n:]
		return v, true
	}
	if _, ok := next(); !ok {
		return corrupt("%s: vendor string overruns the comment header", what)
	}
	if len(b) < 4 {
		return corrupt("%s: comment count missing", what)
	}
	count := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	if count < 0 || count > len(b)/4 {
		return corrupt("%s: %d comments cannot fit", what, count)
	}
	for i := 0; i < count; i++ {
		c, ok := next()
		if !ok {
			return corrupt("%s: comment %d overruns the header", what, i)
		}
		k, v, _ := bytes.Cut(c, []byte("="))
		if strings.EqualFold(string(k), "METADATA_BLOCK_PICTURE") {
			pic, err := base64.StdEncoding.DecodeString(string(v))
			if err != nil || !pictureFits(pic) {
				return corrupt("%s: bad METADATA_BLOCK_PICTURE", what)
			}
		}
	}
	return nil
}

// checkID3v2 validates an ID3v2 tag at off: the tag fits in the file and
// each frame fits in the tag (the reader would allocate what a frame claims).
func checkID3v2(r io.ReaderAt, size, off int64) bool {
	var h [10]byte
	if n, _ := r.ReadAt(h[:], off); n < 10 || string(h[:3]) != "ID3" {
		return false
	}
	ver := h[3]
	tagLen := int64(syncsafe(h[6:10]))
	if off+10+tagLen > size || ver < 2 || ver > 4 {
		return false
	}
	b := make([]byte, tagLen)
	if n, _ := r.ReadAt(b, off+10); int64(n) < tagLen {
		return false
	}
	if h[5]&0x40 != 0 && ver >= 3 { // extended header: skip it
		if len(b) < 4 {
			return false
		}
		ext := int(binary.BigEndian.Uint32(b))
		if ver == 4 {
			ext = syncsafe(b[:4])
		} else {
			ext += 4
		}
		if ext < 0 || ext > len(b) {
			return false
		}
		b = b[ext:]
	}
	hdr := 10
	if ver == 2 {
		hdr = 6
	}
	for len(b) >= hdr && b[0] != 0 {
		var n int
		switch ver {
		case 2:
			n = int(b[3])<<16 | int(b[4])<<8 | int(b[5])
		case 3:
			n = int(binary.BigEndian.Uint32(b[4:8]))
		default:
			n = syncsafe(b[4:8])
		}
		if n < 0 || n > len(b)-hdr {
			return false
		}
		b = b[hdr+n:]
	}
	return true
}
