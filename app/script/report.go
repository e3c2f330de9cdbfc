package script

import (
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"time"

	"github.com/fascia-hmi/fascia/internal/atomicfile"
)

// Step outcomes in a report.
const (
	StatusOK    = "ok"    // an action that was carried out
	StatusPass  = "pass"  // an expectation that held
	StatusFail  = "fail"  // an expectation that did not hold
	StatusError = "error" // a script error; the run stopped there
	StatusNote  = "note"  // a tester's note
)

// Entry is one line of a report's timeline.
type Entry struct {
	Line   int
	At     time.Duration // simulated time after the step
	Text   string        // the script line
	Status string
	Detail string
	Image  string // screenshot file in the report folder
}

// Note is a tester's marker.
type Note struct {
	At   time.Duration
	Text string
	Line int // script line; 0 for a note dropped in the tester panel
}

// Report is the outcome of a run.
type Report struct {
	Script   string
	Scenario string
	Seed     uint64
	Started  time.Time
	Entries  []Entry
	Notes    []Note
	Passed   int
	Failed   int
	Err      error  // the script error that stopped the run
	Log      string // the candump log of the run, in the report folder
	Frames   uint64 // frames sent
}

func (r *Report) add(e Entry) {
	switch e.Status {
	case StatusPass:
		r.Passed++
	case StatusFail:
		r.Failed++
	}
	r.Entries = append(r.Entries, e)
}

// OK reports whether the run finished with every expectation met.
func (r *Report) OK() bool { return r.Err == nil && r.Failed == 0 }

// Summary is a one-line outcome.
func (r *Report) Summary() string {
	s := fmt.Sprintf("%s: %d passed, %d failed", r.Script, r.Passed, r.Failed)
	if r.Err != nil {
		s += "; stopped: " + r.Err.Error()
	}
	return s
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"at": func(d time.Duration) string {
		return fmt.Sprintf("%d:%02d.%d", int(d.Minutes()), int(d.Seconds())%60, int(d.Milliseconds()/100)%10)
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Script}} — Fascia test run</title>
<style>
body{font-family:sans-serif;margin:2em;max-width:1400px;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}
.pass{color:#157f1f;font-weight:bold}.fail{color:#b00020;font-weight:bold}.error{color:#fff;background:#b00020;font-weight:bold}
.note{color:#6a4c93;font-weight:bold}.ok{color:#666}code{font-size:95%}img{max-width:640px;border:1px solid #999;display:block;margin-top:.4em}
.summary{font-size:120%;padding:.6em;border-radius:4px}.good{background:#e3f5e5}.bad{background:#fde7ea}
</style></head><body>
<h1>Test run: {{.Script}}</h1>
<p class="summary {{if .OK}}good{{else}}bad{{end}}">{{if .OK}}PASSED{{else}}FAILED{{end}}: {{.Passed}} expectation(s) passed, {{.Failed}} failed{{if .Err}}; the run stopped at a script error: <code>{{.Err}}</code>{{end}}.</p>
<p>Scenario <b>{{.Scenario}}</b>, seed {{.Seed}}, started {{.Started.UTC.Format "2006-01-02 15:04:05 UTC"}}, {{.Frames}} CAN frames sent.
{{if .Log}}CAN log of the run: <a href="{{.Log}}">{{.Log}}</a> (replay with <code>fascia --can candump:{{.Log}}</code>).{{end}}</p>
{{if .Notes}}<h2>Tester notes</h2><ul>{{range .Notes}}<li><b>{{at .At}}</b> {{.Text}}{{if .Line}} (line {{.Line}}){{end}}</li>{{end}}</ul>{{end}}
<h2>Timeline</h2>
<table><tr><th>Time</th><th>Line</th><th>Step</th><th>Result</th></tr>
{{range .Entries}}<tr><td>{{at .At}}</td><td>{{if .Line}}{{.Line}}{{end}}</td><td><code>{{.Text}}</code>{{if .Image}}<img src="{{.Image}}" alt="{{.Image}}">{{end}}</td><td><span class="{{.Status}}">{{.Status}}</span> {{.Detail}}</td></tr>
{{end}}</table>
</body></html>
`))

// WriteHTML writes index.html into dir (through a temporary file).
func (r *Report) WriteHTML(dir string) error {
	err := atomicfile.Write(filepath.Join(dir, "index.html"), 0o644, func(w io.Writer) error { return page.Execute(w, r) })
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
