package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/keepalivefix/keepalivefix/analyzer"
	"github.com/keepalivefix/keepalivefix/internal/report"
)

// version is reported in SARIF output.
const version = "0.1.0"

// toReport converts findings to the report package's form.
func toReport(fs []*finding) []report.Finding {
	out := make([]report.Finding, len(fs))
	for i, f := range fs {
		name := ""
		if c := analyzer.Lookup(f.id); c != nil {
			name = c.Name
		}
		out[i] = report.Finding{
			File: filepath.ToSlash(f.file), Line: f.line, Col: f.col, EndLine: f.endLine, EndCol: f.endCol,
			Check: f.id, Name: name, Message: f.msg, URL: f.url, Fixable: len(f.fix) > 0,
		}
	}
	return out
}

// rules describes every check for SARIF, from the same registry as the
// documentation pages and -explain.
func rules() []report.Rule {
	var out []report.Rule
	for _, c := range analyzer.Checks {
		out = append(out, report.Rule{ID: c.ID, Name: c.Name, Title: c.Title, Help: c.Explain(), URL: c.URL()})
	}
	return out
}

// write prints findings in the chosen format.
func writeFindings(w io.Writer, format string, fs []*finding) error {
	rf := toReport(fs)
	switch format {
	case "text":
		return report.WriteText(w, rf)
	case "json":
		return report.WriteJSON(w, rf)
	case "github":
		return report.WriteGitHub(w, rf)
	case "sarif":
		fps, err := report.Fingerprints(rf, os.ReadFile)
		if err == nil {
			for i := range rf {
				rf[i].Fingerprint = fps[i]
			}
		}
		return report.WriteSARIF(w, "keepalivefix", version, "https://github.com/keepalivefix/keepalivefix", rules(), rf)
	}
	return fmt.Errorf("unknown format %q (text, json, sarif, github)", format)
}

// keep returns the findings of fs whose report form is in kept.
func keep(fs []*finding, kept []report.Finding) []*finding {
	type key struct {
		file      string
		line, col int
		check     string
		msg       string
	}
	want := make(map[key]int)
	for _, k := range kept {
		want[key{k.File, k.Line, k.Col, k.Check, k.Message}]++
	}
	var out []*finding
	for _, f := range fs {
		k := key{filepath.ToSlash(f.file), f.line, f.col, f.id, f.msg}
		if want[k] > 0 {
			want[k]--
			out = append(out, f)
		}
	}
	return out
}

// applyBaseline keeps the findings that are not in the baseline file. When
// the file does not exist it is written with the current findings, and
// nothing is reported: that is how a legacy repository adopts the tool.
func applyBaseline(path string, fs []*finding, stderr io.Writer) (kept []*finding, wrote bool, err error) {
	rf := toReport(fs)
	fps, err := report.Fingerprints(rf, os.ReadFile)
	if err != nil {
		return nil, false, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		out, err := os.Create(path)
		if err != nil {
			return nil, false, err
		}
		if err := report.WriteBaseline(out, rf, fps); err != nil {
			_ = out.Close()
			return nil, false, err
		}
		if err := out.Close(); err != nil {
			return nil, false, err
		}
		fmt.Fprintf(stderr, "keepalivefix: wrote baseline %s with %d findings; later runs report only new ones\n", path, len(fs))
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer func() { _ = f.Close() }()
	b, err := report.ReadBaseline(f)
	if err != nil {
		return nil, false, fmt.Errorf("baseline %s: %w", path, err)
	}
	return keep(fs, b.Filter(rf, fps)), false, nil
}

// onlyChanged keeps the findings on lines changed since rev.
func onlyChanged(rev string, fs []*finding) ([]*finding, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	changed, err := report.ChangedLines(cwd, rev)
	if err != nil {
		return nil, err
	}
	return keep(fs, report.FilterChanged(toReport(fs), changed)), nil
}
