package dbc

import (
	"strconv"
	"strings"
)

// mulVal reads an SG_MUL_VAL_ line (extended multiplexing), which the
// einride parser does not know:
//
//	SG_MUL_VAL_ <message id> <signal> <switch> <lo>-<hi>{, <lo>-<hi>};
func (l *loader) mulVal(i int) {
	st := &l.stmts[i]
	b := l.text(i)
	toks := lex(l.toks[:0], b)
	l.toks = toks
	fail := func(why string) { l.warn(st.line, "SG_MUL_VAL_ ignored: %s", why) }
	if len(toks) < 5 || toks[1].kind != tNumber || toks[2].kind != tIdent || toks[3].kind != tIdent {
		fail("expected: SG_MUL_VAL_ <message id> <signal> <switch> <ranges>;")
		return
	}
	raw, err := strconv.ParseUint(toks[1].text(b), 10, 64)
	if err != nil {
		fail("bad message id " + toks[1].text(b))
		return
	}
	id, ext, ok := canonID(raw)
	if !ok {
		fail("bad message id " + toks[1].text(b))
		return
	}
	var ranges []MuxRange
	k := 4
	for k < len(toks) {
		if toks[k].is(b, ";") {
			k++
			break
		}
		if k+2 >= len(toks) || toks[k].kind != tNumber || !toks[k+1].is(b, "-") || toks[k+2].kind != tNumber {
			fail("expected a range lo-hi at " + excerpt(b[toks[k].s:]))
			return
		}
		lo, err1 := strconv.ParseUint(toks[k].text(b), 10, 64)
		hi, err2 := strconv.ParseUint(toks[k+2].text(b), 10, 64)
		if err1 != nil || err2 != nil || lo > hi {
			fail("bad range " + string(b[toks[k].s:toks[k+2].e]))
			return
		}
		ranges = append(ranges, MuxRange{lo, hi})
		k += 3
		if k < len(toks) && toks[k].is(b, ",") {
			k++
		}
	}
	if k < len(toks) {
		l.warn(st.line, "unexpected text after the SG_MUL_VAL_ definition ignored: %s", excerpt(b[toks[k].s:]))
	}
	if len(ranges) == 0 {
		fail("no ranges")
		return
	}
	mi := l.byKey[msgKey{id, ext}]
	if mi == nil {
		fail("message " + idString(id, ext) + " has no BO_")
		return
	}
	sigName, swName := toks[2].text(b), toks[3].text(b)
	si := mi.find(sigName)
	switch {
	case si < 0:
		fail("message " + mi.m.Name + " has no signal " + sigName)
		return
	case mi.muxVal[si] < 0:
		fail("signal " + sigName + " is not multiplexed (no mN)")
		return
	}
	sw := mi.signal(swName)
	switch {
	case sw == nil:
		fail("message " + mi.m.Name + " has no switch signal " + swName)
		return
	case !sw.IsSwitch:
		fail("signal " + swName + " is not a multiplexer switch (M or mNM)")
		return
	}
	s := mi.m.Signals[si]
	if mi.mulVal[si] {
		if s.MuxSwitch != swName {
			fail("signal " + sigName + " already depends on switch " + s.MuxSwitch)
			return
		}
		l.warn(st.line, "second SG_MUL_VAL_ for signal %s: ranges added", sigName)
		s.MuxRanges = append(s.MuxRanges, ranges...)
		return
	}
	s.MuxSwitch, s.MuxRanges = swName, ranges
	mi.mulVal[si] = true
}

// resolveMux gives every mN signal without SG_MUL_VAL_ the message's M
// switch, and drops (as Lost) multiplexed signals that can never be
// decoded: no switch, a cycle of switches, or a switch that was dropped.
func (l *loader) resolveMux(mi *msgInfo) {
	m := mi.m
	var plain []*Signal
	switches, muxed := 0, 0
	for k, s := range m.Signals {
		if s.IsSwitch {
			switches++
			if mi.muxVal[k] < 0 {
				plain = append(plain, s)
			}
		}
		if mi.muxVal[k] >= 0 {
			muxed++
		}
	}
	if muxed == 0 {
		return
	}
	if len(plain) > 1 {
		names := make([]string, len(plain))
		for k, s := range plain {
			names[k] = s.Name
		}
		l.warn(m.Line, "BO_ %s has more than one multiplexer switch (%s): %s used for mN signals without SG_MUL_VAL_",
			m.Name, strings.Join(names, ", "), plain[0].Name)
	}
	n := len(m.Signals)
	why := make([]string, n) // non-empty: dropped
	for k, s := range m.Signals {
		if mi.muxVal[k] < 0 || mi.mulVal[k] {
			continue
		}
		if len(plain) == 0 {
			why[k] = "multiplexed (m" + strconv.FormatInt(mi.muxVal[k], 10) + ") but message " + m.Name + " has no multiplexer switch (M)"
			continue
		}
		s.MuxSwitch = plain[0].Name
		if switches > 1 {
			l.warn(s.Line, "SG_ %s: no SG_MUL_VAL_ in a message with %d switches: switch %s assumed", s.Name, switches, s.MuxSwitch)
		}
	}
	// Follow each signal's chain of switches once (the graph has one edge
	// per signal): a chain that comes back on itself is a cycle, and a
	// signal whose switch is dropped goes with it.
	parent := make([]int, n)
	for k, s := range m.Signals {
		parent[k] = -1
		if s.MuxSwitch != "" && why[k] == "" {
			parent[k] = mi.find(s.MuxSwitch)
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]uint8, n)
	var path []int
	for k := range m.Signals {
		path = path[:0]
		c := k
		for c >= 0 && state[c] == unseen {
			state[c] = onPath
			path = append(path, c)
			c = parent[c]
		}
		cycleFrom := len(path)
		if c >= 0 && state[c] == onPath {
			for p := range path {
				if path[p] == c {
					cycleFrom = p
					break
				}
			}
			for _, x := range path[cycleFrom:] {
				why[x] = "its multiplexer switches form a cycle"
			}
		}
		for p := cycleFrom - 1; p >= 0; p-- {
			x := path[p]
			if y := parent[x]; y >= 0 && why[y] != "" && why[x] == "" {
				why[x] = "its multiplexer switch " + m.Signals[y].Name + " was lost"
			}
		}
		for _, x := range path {
			state[x] = done
		}
	}
	var keep []*Signal
	var muxVal []int64
	var mulVal []bool
	var sigStmt []int
	for k, s := range m.Signals {
		if why[k] != "" {
			l.lose(mi.sigStmt[k], "%s", why[k])
			continue
		}
		keep = append(keep, s)
		muxVal = append(muxVal, mi.muxVal[k])
		mulVal = append(mulVal, mi.mulVal[k])
		sigStmt = append(sigStmt, mi.sigStmt[k])
	}
	if len(keep) < n {
		m.Signals, mi.muxVal, mi.mulVal, mi.sigStmt, mi.index = keep, muxVal, mulVal, sigStmt, nil
	}
}
