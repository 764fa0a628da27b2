package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Finding is one diagnostic as the command prints it.
type Finding struct {
	File            string // slash-separated path, relative to the working directory or the repository root
	Line, Col       int
	EndLine, EndCol int    // 0 if unknown
	Check           string // "KA1004"
	Name            string // "body-not-closed"
	Message         string
	URL             string // documentation URL of the check
	Fixable         bool   // a suggested fix is available

	// Fingerprint, if set (typically from [Fingerprints]), is emitted by
	// [WriteSARIF] as partialFingerprints["keepalive/v1"].
	Fingerprint string

	// Related are the other positions the message names (where the body
	// is closed unread, the return that leaks it): "related" in JSON,
	// relatedLocations in SARIF.
	Related []Related
}

// Related is a position a finding's message refers to.
type Related struct {
	File      string // as Finding.File
	Line, Col int
	Message   string
}

// Rule describes a check for SARIF.
type Rule struct{ ID, Name, Title, Help, URL string }

// WriteText writes one "file:line:col: ID: message" line per finding, in
// input order. The column is omitted when unknown (0).
func WriteText(w io.Writer, fs []Finding) error {
	bw := bufio.NewWriter(w)
	for _, f := range fs {
		if f.Col > 0 {
			fmt.Fprintf(bw, "%s:%d:%d: %s: %s\n", f.File, f.Line, f.Col, f.Check, f.Message)
		} else {
			fmt.Fprintf(bw, "%s:%d: %s: %s\n", f.File, f.Line, f.Check, f.Message)
		}
	}
	return bw.Flush()
}

type jsonReport struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
}

type jsonFinding struct {
	Check        string        `json:"check"`
	Name         string        `json:"name"`
	File         string        `json:"file"`
	Line         int           `json:"line"`
	Column       int           `json:"column"`
	EndLine      int           `json:"end_line"`
	EndColumn    int           `json:"end_column"`
	Message      string        `json:"message"`
	URL          string        `json:"url"`
	FixAvailable bool          `json:"fix_available"`
	Related      []jsonRelated `json:"related,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// WriteJSON writes the findings as a version 1 JSON document; see the
// package documentation for the schema.
func WriteJSON(w io.Writer, fs []Finding) error {
	r := jsonReport{Version: 1, Findings: make([]jsonFinding, 0, len(fs))}
	for _, f := range fs {
		var related []jsonRelated
		for _, rel := range f.Related {
			related = append(related, jsonRelated{File: rel.File, Line: rel.Line, Column: rel.Col, Message: rel.Message})
		}
		r.Findings = append(r.Findings, jsonFinding{
			Check:        f.Check,
			Name:         f.Name,
			File:         f.File,
			Line:         f.Line,
			Column:       f.Col,
			EndLine:      f.EndLine,
			EndColumn:    f.EndCol,
			Message:      f.Message,
			URL:          f.URL,
			FixAvailable: f.Fixable,
			Related:      related,
		})
	}
	return encodeJSON(w, r)
}

// encodeJSON writes v indented, without HTML escaping, followed by a newline.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
