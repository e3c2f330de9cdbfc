// Package dbc owns loading Vector DBC files into a plain model of messages
// and signals. It uses go.einride.tech/can/pkg/dbc for syntax and adds a
// tolerant pass for what real production DBC files contain, reporting every
// tolerated defect with file:line and every definition it could not keep.
// It does not decode frames (see package vehicle).
package dbc

import (
	"fmt"
	"time"
)

// Database is a loaded DBC file.
type Database struct {
	File     string
	Messages []*Message // sorted by ID (extended flag last)
	// Warnings lists defects that were tolerated: the definition was kept.
	Warnings []Issue
	// Lost lists definitions present in the text that are not in Messages
	// (a BO_ or SG_ that could not be parsed). A lossless load has none.
	Lost []Issue
	// TextMessages and TextSignals count the BO_ and SG_ definitions found
	// in the raw text, for comparing against what was loaded.
	TextMessages, TextSignals int
}

// Issue is a warning or a lost definition, located in the file.
type Issue struct {
	File string
	Line int
	Msg  string
}

func (i Issue) String() string { return fmt.Sprintf("%s:%d: %s", i.File, i.Line, i.Msg) }

// Message is a BO_ definition with its signals and attributes.
type Message struct {
	ID        uint32 // without the extended flag bit
	Extended  bool   // 29-bit identifier
	Name      string
	Size      int // payload length in bytes, up to 64
	Sender    string
	CycleTime time.Duration // GenMsgCycleTime; 0 when the DBC gives none
	Comment   string
	Line      int
	Signals   []*Signal
}

// ValueType says how a signal's raw bits are interpreted (SIG_VALTYPE_).
type ValueType uint8

// Value types.
const (
	Integer ValueType = iota
	Float32
	Float64
)

// MuxRange is an inclusive range of multiplexer switch values.
type MuxRange struct{ Lo, Hi uint64 }

// Signal is an SG_ definition.
type Signal struct {
	Name      string
	Line      int
	Start     int  // start bit as written in the DBC
	Length    int  // bits, 1..64
	BigEndian bool // Motorola byte order (@0)
	Signed    bool // @x- (two's complement)
	Type      ValueType
	Factor    float64
	Offset    float64
	Min, Max  float64
	Unit      string
	Receivers []string
	Comment   string
	Values    map[int64]string // VAL_ table; nil when none

	// Multiplexing. IsSwitch marks a multiplexer switch (M, or mNM in
	// extended multiplexing). A multiplexed signal (mN) is present only when
	// its switch, named by MuxSwitch, has a value within MuxRanges. For
	// simple multiplexing MuxSwitch is the message's M signal and MuxRanges
	// is {N, N}; SG_MUL_VAL_ lines replace both.
	IsSwitch  bool
	MuxSwitch string
	MuxRanges []MuxRange
}

// Multiplexed reports whether the signal depends on a multiplexer switch.
func (s *Signal) Multiplexed() bool { return s.MuxSwitch != "" }

// Message returns the message with the given ID and extended flag.
func (d *Database) Message(id uint32, extended bool) *Message {
	for _, m := range d.Messages {
		if m.ID == id && m.Extended == extended {
			return m
		}
	}
	return nil
}

// MessageByName returns the message with the given name.
func (d *Database) MessageByName(name string) *Message {
	for _, m := range d.Messages {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Signal returns the signal of m with the given name.
func (m *Message) Signal(name string) *Signal {
	for _, s := range m.Signals {
		if s.Name == name {
			return s
		}
	}
	return nil
}
