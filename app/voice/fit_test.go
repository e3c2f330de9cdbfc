package voice

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestFitRejection (VOICE_FIT=dump1.tsv,dump2.tsv,…: TestDump files of
// the tuning parts) fits the rejection model (rejectFeatures → logistic
// regression, L2-regularised, classes weighted equally) and prints its
// weights in Go syntax for rejectWeights. Commands whose first hypothesis
// is right are the accepted class, out-of-grammar sentences the rejected
// one; files rejected before the model (nothing heard, too short, no
// intent) and wrong hypotheses are left out. The recognizer does not use
// it: fitted on two tuning parts and tested on the third, it rejected
// less than thresholds chosen the same way (docs/voice.md).
func TestFitRejection(t *testing.T) {
	files := os.Getenv("VOICE_FIT")
	if files == "" {
		t.Skip("VOICE_FIT not set")
	}
	var xs [][]float64
	var ys []float64
	for _, f := range strings.Split(files, ",") {
		rows, err := readDump(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.res.Rejected != "" || (r.kind == "in" && !r.ok) {
				continue
			}
			x := rejectFeatures(&r.res)
			xs = append(xs, x[:])
			y := 0.0
			if r.kind == "in" {
				y = 1
			}
			ys = append(ys, y)
		}
	}
	w := fitLogistic(xs, ys, 1)
	t.Logf("n=%d", len(xs))
	var b strings.Builder
	for _, v := range w {
		fmt.Fprintf(&b, "%.4f, ", v)
	}
	t.Logf("rejectWeights = [...]float64{%s}", strings.TrimSuffix(b.String(), ", "))
}

type dumpRow struct {
	kind, cond string
	ok         bool
	res        Result
}

// readDump reads a TestDump file back into the Result fields the
// rejection model uses.
func readDump(file string) ([]dumpRow, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var col map[string]int
	var rows []dumpRow
	for line := 1; sc.Scan(); line++ {
		p := strings.Split(sc.Text(), "\t")
		if col == nil {
			col = map[string]int{}
			for i, c := range p {
				col[c] = i
			}
			continue
		}
		num := func(c string) float64 {
			v, err2 := strconv.ParseFloat(p[col[c]], 64)
			if err2 != nil && err == nil {
				err = fmt.Errorf("%s:%d: column %s: %v", file, line, c, err2)
			}
			return v
		}
		r := dumpRow{kind: p[col["kind"]], cond: p[col["cond"]], ok: p[col["ok"]] == "1"}
		r.res = Result{Gap: num("gap"), SNR: num("snr"), Filler: num("fill"), Speech: int(num("speech")), Frames: int(num("frames")),
			Rejected: p[col["rej"]], Transcript: p[col["heard"]]}
		rows = append(rows, r)
	}
	if err == nil {
		err = sc.Err()
	}
	return rows, err
}

// fitLogistic fits weights (bias last) by Newton's method on the
// log-likelihood with an L2 penalty lambda (bias not penalised), the two
// classes weighted equally.
func fitLogistic(xs [][]float64, ys []float64, lambda float64) []float64 {
	d := len(xs[0]) + 1
	var pos float64
	for _, y := range ys {
		pos += y
	}
	wPos, wNeg := float64(len(ys))/(2*pos), float64(len(ys))/(2*(float64(len(ys))-pos))
	w := make([]float64, d)
	for iter := 0; iter < 50; iter++ {
		g := make([]float64, d)
		h := make([][]float64, d)
		for i := range h {
			h[i] = make([]float64, d)
		}
		for i, x := range xs {
			z := w[d-1]
			for j, v := range x {
				z += w[j] * v
			}
			p := 1 / (1 + math.Exp(-z))
			cw := wNeg
			if ys[i] == 1 {
				cw = wPos
			}
			xe := append(append([]float64{}, x...), 1)
			for j := range d {
				g[j] += cw * (ys[i] - p) * xe[j]
				for k := range d {
					h[j][k] -= cw * p * (1 - p) * xe[j] * xe[k]
				}
			}
		}
		for j := 0; j < d-1; j++ {
			g[j] -= lambda * w[j]
			h[j][j] -= lambda
		}
		step := solve(h, g)
		for j := range w {
			w[j] -= step[j]
		}
	}
	return w
}

// solve returns x with a x = b (Gaussian elimination, partial pivoting).
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(append([]float64{}, a[i]...), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x
}

// rejectFeatures are the inputs of the rejection model: the phone-loop
// gap, the signal-to-noise ratio above 15 dB in 10 dB steps (0–3), their
// product, the filler fraction and the command words per second of
// command speech.
func rejectFeatures(res *Result) [5]float64 {
	snr := min(max(res.SNR-15, 0), 30) / 10
	wps := float64(len(Words(res.Transcript))) / max(float64(res.Speech)/100, 0.2)
	return [5]float64{res.Gap, snr, res.Gap * snr, res.Filler, wps}
}
