package player

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// checkFLAC walks a FLAC file's metadata blocks before the decoder sees
// them: every block must fit in the file, and a Vorbis comment block's
// counts must fit in the block. The decoder (mewkiz/flac) allocates what
// the counts declare, so a corrupt or hostile count would otherwise ask for
// gigabytes. r is left at the start.
func checkFLAC(r io.ReadSeeker) error {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if _, err := r.Seek(4, io.SeekStart); err != nil {
		return err
	}
	off := int64(4)
	for i := 0; ; i++ {
		var h [4]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return fmt.Errorf("metadata block %d: %w", i, noEOF(err))
		}
		last, typ := h[0]&0x80 != 0, h[0]&0x7F
		n := int64(h[1])<<16 | int64(h[2])<<8 | int64(h[3])
		off += 4
		if off+n > size {
			return fmt.Errorf("metadata block %d (type %d) of %d bytes runs past the end of the file", i, typ, n)
		}
		if typ == 4 {
			b := make([]byte, n)
			if _, err := io.ReadFull(r, b); err != nil {
				return fmt.Errorf("vorbis comment: %w", noEOF(err))
			}
			if err := checkVorbisComment(b); err != nil {
				return fmt.Errorf("metadata block %d: %w", i, err)
			}
		} else if _, err := r.Seek(n, io.SeekCurrent); err != nil {
			return err
		}
		off += n
		if last {
			break
		}
		if i > 1000 {
			return errors.New("more than 1000 metadata blocks")
		}
	}
	_, err = r.Seek(0, io.SeekStart)
	return err
}

func checkVorbisComment(b []byte) error {
	take := func(what string) (uint32, error) {
		if len(b) < 4 {
			return 0, fmt.Errorf("vorbis comment: %s truncated", what)
		}
		v := binary.LittleEndian.Uint32(b)
		b = b[4:]
		return v, nil
	}
	vendor, err := take("vendor length")
	if err != nil {
		return err
	}
	if uint64(vendor) > uint64(len(b)) {
		return fmt.Errorf("vorbis comment: vendor string of %d bytes in a block of %d", vendor, len(b))
	}
	b = b[vendor:]
	count, err := take("comment count")
	if err != nil {
		return err
	}
	if uint64(count)*4 > uint64(len(b)) {
		return fmt.Errorf("vorbis comment: %d comments cannot fit in %d bytes", count, len(b))
	}
	for j := uint32(0); j < count; j++ {
		n, err := take("comment length")
		if err != nil {
			return err
		}
		if uint64(n) > uint64(len(b)) {
			return fmt.Errorf("vorbis comment %d: %d bytes in the %d left", j, n, len(b))
		}
		b = b[n:]
	}
	return nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
