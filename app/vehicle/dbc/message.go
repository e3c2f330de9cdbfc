package dbc

import (
	"fmt"
	"math"
	"slices"
	"strings"

	syntax "go.einride.tech/can/pkg/dbc"
)

// block loads the BO_ statement i and its SG_ statements i+1..j-1. When
// nothing needs repair the block goes to the parser in one piece; otherwise
// (or when that fails) the header and each signal line are parsed alone,
// so that a bad line costs only its own definition.
func (l *loader) block(i, j int) {
	st := &l.stmts[i]
	hdr, why := l.fixBO(st, l.text(i))
	if why != "" {
		l.lose(i, "%s", why)
		l.loseSignals(i, j)
		return
	}
	clean := !l.oneByOne && sameBytes(hdr, l.text(i))
	l.sgText, l.sgFix, l.sgWhy = l.sgText[:0], l.sgFix[:0], l.sgWhy[:0]
	w0 := len(l.db.Warnings)
	for k := i + 1; k < j; k++ {
		text, fx, why := l.fixSG(&l.stmts[k], l.text(k))
		l.sgText, l.sgFix, l.sgWhy = append(l.sgText, text), append(l.sgFix, fx), append(l.sgWhy, why)
		clean = clean && why == "" && !fx.extMux && sameBytes(text, l.text(k)) && l.adjacent(k-1, k)
	}
	w1 := len(l.db.Warnings)
	// When the message is lost, so are its signals; repairs made to their
	// lines are then not worth a warning.
	loseAll := func() {
		l.db.Warnings = slices.Delete(l.db.Warnings, w0, w1)
		l.loseSignals(i, j)
	}
	if clean {
		run := l.run[:0]
		for k := i; k < j; k++ {
			run = append(run, k)
		}
		l.run = run
		if defs := l.parseRun(run, true); defs != nil {
			md := defs[0].(*syntax.MessageDef)
			mi := l.message(i, md, j-i-1)
			if mi == nil {
				loseAll()
				return
			}
			for k := range md.Signals {
				l.signal(i+1+k, mi, &md.Signals[k], sgFix{})
			}
			return
		}
	}
	def, perr := l.syntax(i, hdr, nil)
	if perr != nil {
		l.lose(i, "%s", perr.reason)
		loseAll()
		return
	}
	md, ok := def.(*syntax.MessageDef)
	var mi *msgInfo
	if ok {
		if len(md.Signals) > 0 { // cannot happen: the splitter cuts lines at SG_
			l.warn(st.line, "BO_ %s: signals on the BO_ line ignored", md.Name)
		}
		mi = l.message(i, md, j-i-1)
	} else {
		l.lose(i, "not a message definition")
	}
	if mi == nil {
		loseAll()
		return
	}
	for k := i + 1; k < j; k++ {
		if why := l.sgWhy[k-i-1]; why != "" {
			l.lose(k, "%s", why)
			continue
		}
		def, perr := l.syntax(k, l.sgText[k-i-1], nil)
		if perr != nil {
			l.lose(k, "%s", perr.reason)
			continue
		}
		sd, ok := def.(*syntax.SignalDef)
		if !ok {
			l.lose(k, "not a signal definition")
			continue
		}
		l.signal(k, mi, sd, l.sgFix[k-i-1])
	}
}

// loseSignals lists the SG_ lines of a message that was not loaded.
func (l *loader) loseSignals(i, j int) {
	for k := i + 1; k < j; k++ {
		l.lose(k, "its message (line %d) was not loaded", l.stmts[i].line)
	}
}

// message builds the message of BO_ statement i, which is followed by
// up to n signals, or lists it in Lost and returns nil.
func (l *loader) message(i int, d *syntax.MessageDef, n int) *msgInfo {
	st := &l.stmts[i]
	if uint32(d.MessageID) == indepSig {
		l.lose(i, "VECTOR__INDEPENDENT_SIG_MSG pseudo-message (its signals are sent in no frame)")
		return nil
	}
	m := &Message{
		ID:       d.MessageID.ToCAN(),
		Extended: d.MessageID.IsExtended(),
		Name:     string(d.Name),
		Sender:   string(d.Transmitter),
		Line:     st.line,
	}
	if d.Size > 64 {
		l.warn(st.line, "BO_ %s: size %d bytes exceeds the CAN FD maximum: 64 used", m.Name, d.Size)
		m.Size = 64
	} else {
		m.Size = int(d.Size)
	}
	key := msgKey{m.ID, m.Extended}
	if first, dup := l.byKey[key]; dup {
		l.warn(st.line, "BO_ %s: duplicate message ID %s (first defined at line %d as %s): kept the first",
			m.Name, idString(m.ID, m.Extended), first.m.Line, first.m.Name)
		l.lose(i, "duplicate message ID %s (first defined at line %d)", idString(m.ID, m.Extended), first.m.Line)
		return nil
	}
	m.Signals = make([]*Signal, 0, n)
	mi := &msgInfo{m: m, muxVal: make([]int64, 0, n), mulVal: make([]bool, 0, n), sigStmt: make([]int, 0, n)}
	if o := l.byName[m.Name]; o != nil {
		l.warn(st.line, "BO_ %s: name also used by message %s at line %d", m.Name, idString(o.m.ID, o.m.Extended), o.m.Line)
	} else {
		l.byName[m.Name] = mi
	}
	l.byKey[key] = mi
	l.msgs = append(l.msgs, mi)
	l.status[i] = kept
	return mi
}

func idString(id uint32, ext bool) string {
	if ext {
		return fmt.Sprintf("0x%08X (extended)", id)
	}
	return fmt.Sprintf("0x%03X", id)
}

// signal adds the signal of SG_ statement i to mi, or lists it in Lost.
func (l *loader) signal(i int, mi *msgInfo, d *syntax.SignalDef, fx sgFix) {
	st := &l.stmts[i]
	m := mi.m
	name := string(d.Name)
	switch {
	case d.Size == 0 || d.Size > 64:
		l.lose(i, "length %d bits is outside 1..64", d.Size)
		return
	case d.StartBit >= 8*64:
		l.lose(i, "start bit %d lies beyond the 64-byte CAN FD maximum", d.StartBit)
		return
	case math.IsNaN(d.Factor) || math.IsInf(d.Factor, 0) || math.IsNaN(d.Offset) || math.IsInf(d.Offset, 0):
		l.lose(i, "factor or offset is not a finite number")
		return
	}
	if prev := mi.signal(name); prev != nil {
		l.lose(i, "duplicate signal name in message %s (first at line %d)", m.Name, prev.Line)
		return
	}
	s := &Signal{
		Name:      name,
		Line:      st.line,
		Start:     int(d.StartBit),
		Length:    int(d.Size),
		BigEndian: d.IsBigEndian,
		Signed:    d.IsSigned,
		Factor:    d.Factor,
		Offset:    d.Offset,
		Min:       d.Minimum,
		Max:       d.Maximum,
		Unit:      unescape(d.Unit),
		Receivers: make([]string, len(d.Receivers)),
		IsSwitch:  d.IsMultiplexerSwitch || fx.extMux,
	}
	for k, r := range d.Receivers {
		s.Receivers[k] = string(r)
	}
	if last := lastByte(s.Start, s.Length, s.BigEndian); last >= 64 {
		l.lose(i, "reaches byte %d, beyond the 64-byte CAN FD maximum", last)
		return
	} else if last >= m.Size {
		l.warn(st.line, "SG_ %s: reaches byte %d, beyond the %d-byte size of message %s: kept", name, last, m.Size, m.Name)
	}
	if s.Factor == 0 {
		l.warn(st.line, "SG_ %s: factor 0 (the value is always the offset)", name)
	}
	mux := int64(-1)
	if d.IsMultiplexed {
		if d.MultiplexerSwitch > math.MaxInt64 {
			l.lose(i, "multiplexer value %d out of range", d.MultiplexerSwitch)
			return
		}
		mux = int64(d.MultiplexerSwitch)
		s.MuxRanges = []MuxRange{{d.MultiplexerSwitch, d.MultiplexerSwitch}}
	}
	mi.add(s, mux, i)
	l.status[i] = kept
}

// lastByte returns the index of the last payload byte a signal touches.
func lastByte(start, length int, bigEndian bool) int {
	if !bigEndian {
		return (start + length - 1) / 8
	}
	// Motorola: start is the most significant bit. In a numbering where
	// bit 7 of byte 0 is 0, bit 6 is 1, … the signal's bits are contiguous.
	linear := start/8*8 + 7 - start%8
	return (linear + length - 1) / 8
}

// unescape turns the parser's \" back into " and drops carriage returns.
func unescape(s string) string {
	if strings.Contains(s, `\"`) {
		s = strings.ReplaceAll(s, `\"`, `"`)
	}
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(s, "\r", "")
	}
	return s
}
