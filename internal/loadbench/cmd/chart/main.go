// Command chart turns the JSON lines written by
//
//	go test ./internal/loadbench -run '^$' -bench Connections -loadbench.json=FILE
//
// into an SVG of connections opened per 1000 requests and throughput, before
// and after keepalivefix's rewrite, over HTTP and TLS, per scenario.
//
//	go run ./internal/loadbench/cmd/chart -in FILE -out docs/bench/connections.svg -note "..."
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"log"
	"math"
	"os"
	"strings"
)

// record is loadbench.Record, as far as the chart needs it.
type record struct {
	Variant   string  `json:"variant"`
	Scenario  string  `json:"scenario"`
	TLS       bool    `json:"tls"`
	Requests  int     `json:"requests"`
	NewConns  int64   `json:"new_conns"`
	ReqPerSec float64 `json:"req_per_sec"`
}

type key struct {
	scenario, variant string
	tls               bool
}

type agg struct {
	conns, reqs int64
	rps         float64
	runs        int
}

func main() {
	in := flag.String("in", "", "JSON lines from the benchmark (default stdin)")
	out := flag.String("out", "", "SVG file to write (default stdout)")
	note := flag.String("note", "", "a line under the title: command, machine, date")
	flag.Parse()

	var r io.Reader = os.Stdin
	if *in != "" {
		data, err := os.ReadFile(*in)
		if err != nil {
			log.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	data := map[key]*agg{}
	var scenarios []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var rec record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			log.Fatalf("chart: %v: %s", err, line)
		}
		k := key{rec.Scenario, rec.Variant, rec.TLS}
		a := data[k]
		if a == nil {
			a = &agg{}
			data[k] = a
		}
		a.conns += rec.NewConns
		a.reqs += int64(rec.Requests)
		a.rps += rec.ReqPerSec
		a.runs++
		if !seen[rec.Scenario] {
			seen[rec.Scenario] = true
			scenarios = append(scenarios, rec.Scenario)
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	if len(scenarios) == 0 {
		log.Fatal("chart: no records")
	}
	svg := render(scenarios, data, *note)
	if *out == "" {
		_, _ = os.Stdout.WriteString(svg)
		return
	}
	if err := os.WriteFile(*out, []byte(svg), 0o644); err != nil {
		log.Fatal(err)
	}
}

// series is one bar of each group.
type series struct {
	variant string
	tls     bool
	label   string
	fill    string
}

var allSeries = []series{
	{"before", false, "HTTP, as written", "#d9534f"},
	{"after", false, "HTTP, after keepalivefix -w", "#2e8b57"},
	{"before", true, "TLS, as written", "#f0a8a6"},
	{"after", true, "TLS, after keepalivefix -w", "#93cfa9"},
}

const (
	width   = 1000
	left    = 70
	right   = 20
	panelH  = 230
	top     = 150
	gapH    = 90
	barW    = 22
	barGap  = 3
	fontCSS = "font-family:sans-serif"
)

func render(scenarios []string, data map[key]*agg, note string) string {
	var b strings.Builder
	height := top + 2*panelH + gapH + 70
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" style="%s">`+"\n", width, height, width, height, fontCSS)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="26" font-size="18" font-weight="bold">Example client code as written vs. rewritten by keepalivefix -w</text>`+"\n", left)
	// The note, one line per " | "-separated part.
	for i, part := range strings.Split(note, " | ") {
		if part = strings.TrimSpace(part); part != "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#555">%s</text>`+"\n", left, 46+14*i, html.EscapeString(part))
		}
	}
	// Legend.
	lx := left
	for _, s := range allSeries {
		fmt.Fprintf(&b, `<rect x="%d" y="92" width="14" height="14" fill="%s"/><text x="%d" y="104" font-size="12">%s</text>`+"\n", lx, s.fill, lx+18, html.EscapeString(s.label))
		lx += 30 + 7*len(s.label)
	}

	conns := func(a *agg) float64 {
		if a == nil || a.reqs == 0 {
			return math.NaN()
		}
		return float64(a.conns) * 1000 / float64(a.reqs)
	}
	rps := func(a *agg) float64 {
		if a == nil || a.runs == 0 {
			return math.NaN()
		}
		return a.rps / float64(a.runs)
	}
	panel(&b, top, "New connections per 1000 requests (lower is better)", scenarios, data, conns, "%.0f")
	panel(&b, top+panelH+gapH, "Requests per second (higher is better)", scenarios, data, rps, "%.0f")
	b.WriteString("</svg>\n")
	return b.String()
}

func panel(b *strings.Builder, y0 int, title string, scenarios []string, data map[key]*agg, val func(*agg) float64, format string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", left, y0-24, html.EscapeString(title))
	maxV := 0.0
	for _, sc := range scenarios {
		for _, s := range allSeries {
			if v := val(data[key{sc, s.variant, s.tls}]); !math.IsNaN(v) {
				maxV = math.Max(maxV, v)
			}
		}
	}
	maxV = niceCeil(maxV)
	plotW := width - left - right
	base := y0 + panelH
	// Axis and grid.
	for i := 0; i <= 4; i++ {
		v := maxV * float64(i) / 4
		y := float64(base) - float64(panelH)*float64(i)/4
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, width-right, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#555">%s</text>`+"\n", left-6, y+4, fmt.Sprintf(format, v))
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", left, base, width-right, base)
	groupW := float64(plotW) / float64(len(scenarios))
	barsW := float64(len(allSeries)*barW + (len(allSeries)-1)*barGap)
	for gi, sc := range scenarios {
		gx := float64(left) + groupW*float64(gi) + (groupW-barsW)/2
		for si, s := range allSeries {
			v := val(data[key{sc, s.variant, s.tls}])
			x := gx + float64(si*(barW+barGap))
			if math.IsNaN(v) {
				continue
			}
			h := 0.0
			if maxV > 0 {
				h = float64(panelH) * v / maxV
			}
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`+"\n",
				x, float64(base)-h, barW, h, s.fill, html.EscapeString(sc), html.EscapeString(s.label), fmt.Sprintf(format, v))
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle">%s</text>`+"\n", x+barW/2, float64(base)-h-3, fmt.Sprintf(format, v))
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle">%s</text>`+"\n", gx+barsW/2, base+16, html.EscapeString(sc))
	}
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
