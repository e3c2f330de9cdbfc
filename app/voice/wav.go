package voice

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Audio is decoded PCM: interleaved 16-bit samples.
type Audio struct {
	Rate     int
	Channels int
	Samples  []int16
}

// MaxWAVBytes bounds the data a WAV may hold (about 30 minutes of 16 kHz
// mono), so a corrupt size field cannot make ReadWAV allocate gigabytes.
const MaxWAVBytes = 64 << 20

// ReadWAV reads a RIFF/WAVE file of 16-bit PCM. Errors name the field
// that is wrong.
func ReadWAV(r io.Reader) (*Audio, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("wav: empty file")
		}
		return nil, fmt.Errorf("wav: header: file too short (%v)", err)
	}
	if string(hdr[0:4]) != "RIFF" {
		return nil, fmt.Errorf("wav: header: not a RIFF file (starts %q)", hdr[0:4])
	}
	if string(hdr[8:12]) != "WAVE" {
		return nil, fmt.Errorf("wav: header: RIFF form %q, want WAVE", hdr[8:12])
	}
	var a *Audio
	var bits int
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if a == nil {
				return nil, fmt.Errorf("wav: no fmt chunk")
			}
			return nil, fmt.Errorf("wav: no data chunk")
		}
		id, size := string(ch[0:4]), binary.LittleEndian.Uint32(ch[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("wav: fmt chunk: size %d, want 16…1024", size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("wav: fmt chunk: truncated")
			}
			tag := binary.LittleEndian.Uint16(b[0:2])
			if tag == 0xFFFE && size >= 26 {
				tag = binary.LittleEndian.Uint16(b[24:26]) // extensible: sub-format GUID starts with the tag
			}
			if tag != 1 {
				return nil, fmt.Errorf("wav: fmt chunk: format tag %d, want 1 (PCM)", tag)
			}
			a = &Audio{
				Channels: int(binary.LittleEndian.Uint16(b[2:4])),
				Rate:     int(binary.LittleEndian.Uint32(b[4:8])),
			}
			bits = int(binary.LittleEndian.Uint16(b[14:16]))
			if a.Channels < 1 || a.Channels > 8 {
				return nil, fmt.Errorf("wav: fmt chunk: %d channels", a.Channels)
			}
			if a.Rate < 1000 || a.Rate > 384000 {
				return nil, fmt.Errorf("wav: fmt chunk: sample rate %d Hz", a.Rate)
			}
			if bits != 16 {
				return nil, fmt.Errorf("wav: fmt chunk: %d bits per sample, want 16", bits)
			}
		case "data":
			if a == nil {
				return nil, fmt.Errorf("wav: data chunk before fmt chunk")
			}
			var data []byte
			var err error
			if size == 0xFFFFFFFF || size == 0x7FFFF000 || size == 0 {
				// streaming writers leave the size unset (arecord) or
				// at a placeholder (espeak-ng --stdout)
				data, err = io.ReadAll(io.LimitReader(r, MaxWAVBytes+1))
				if err != nil {
					return nil, fmt.Errorf("wav: data chunk: %v", err)
				}
			} else {
				if size > MaxWAVBytes {
					return nil, fmt.Errorf("wav: data chunk: %d bytes, more than the %d allowed", size, MaxWAVBytes)
				}
				data = make([]byte, size)
				n, err := io.ReadFull(r, data)
				if err != nil {
					return nil, fmt.Errorf("wav: data chunk: truncated: header says %d bytes, file has %d", size, n)
				}
			}
			if len(data) > MaxWAVBytes {
				return nil, fmt.Errorf("wav: data chunk: more than the %d bytes allowed", MaxWAVBytes)
			}
			frame := 2 * a.Channels
			data = data[:len(data)-len(data)%frame]
			a.Samples = make([]int16, len(data)/2)
			for i := range a.Samples {
				a.Samples[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
			}
			return a, nil
		default:
			if size > MaxWAVBytes {
				return nil, fmt.Errorf("wav: chunk %q: size %d too large", id, size)
			}
			if _, err := io.CopyN(io.Discard, r, int64(size)+int64(size%2)); err != nil {
				return nil, fmt.Errorf("wav: chunk %q: truncated", id)
			}
		}
	}
}

// SampleRate is the rate the recognizer takes.
const SampleRate = 16000

// Speech checks that a is what the recognizer takes (16 kHz mono) and
// not empty, and returns its samples.
func (a *Audio) Speech() ([]int16, error) {
	if a.Rate != SampleRate || a.Channels != 1 {
		return nil, fmt.Errorf("wav: %d Hz, %d channel(s): the recognizer needs 16000 Hz mono 16-bit (convert with: sox IN -r 16000 -c 1 -b 16 OUT.wav)", a.Rate, a.Channels)
	}
	if len(a.Samples) == 0 {
		return nil, fmt.Errorf("wav: no samples")
	}
	return a.Samples, nil
}

// WriteWAV writes 16 kHz mono samples as a WAV file's bytes.
func WriteWAV(w io.Writer, rate int, samples []int16) error {
	b := make([]byte, 44+2*len(samples))
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*len(samples)))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*len(samples)))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	_, err := w.Write(b)
	return err
}
