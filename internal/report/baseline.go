package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Fingerprint returns the fingerprint of f given the contents src of f.File,
// assuming f is the first (occurrence 0) finding of its check on an
// identical line of that file. Use [Fingerprints] for a set of findings.
func Fingerprint(f Finding, src []byte) string {
	return fingerprint(f.Check, f.File, "", lineText(src, f.Line), 0)
}

func fingerprint(check, file, scope, text string, occ int) string {
	h := sha256.New()
	parts := []string{check, file, text, strconv.Itoa(occ)}
	if scope != "" {
		parts = append(parts, scope) // unscoped fingerprints stay as they were
	}
	for _, s := range parts {
		_, _ = io.WriteString(h, s)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// lineText returns line n (1-based) of src with white space normalized, or
// "" if there is no such line.
func lineText(src []byte, n int) string {
	if n <= 0 {
		return ""
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.Join(strings.Fields(string(src)), " ")
}

// Fingerprints returns the fingerprint of each finding, in the order of fs.
// readFile is called at most once per distinct File. Findings of the same
// check in the same file on identical (normalized) lines are told apart by
// their occurrence index in (line, column) order, so the result does not
// depend on the order of fs.
func Fingerprints(fs []Finding, readFile func(string) ([]byte, error)) ([]string, error) {
	return ScopedFingerprints(fs, nil, readFile)
}

// ScopedFingerprints is [Fingerprints] with scopes[i], such as the name of
// the function that holds fs[i], as part of what identifies fs[i]: findings
// on identical lines in different scopes are counted apart, so that a new
// one in one function does not shift the occurrence indexes of another's.
// A nil or short scopes, or an empty scope, gives the unscoped fingerprint.
func ScopedFingerprints(fs []Finding, scopes []string, readFile func(string) ([]byte, error)) ([]string, error) {
	scope := func(i int) string {
		if i < len(scopes) {
			return scopes[i]
		}
		return ""
	}
	type lineKey struct {
		file string
		line int
	}
	srcs := make(map[string][]byte)
	texts := make(map[lineKey]string)
	text := make([]string, len(fs))
	for i, f := range fs {
		k := lineKey{f.File, f.Line}
		t, ok := texts[k]
		if !ok {
			src, ok := srcs[f.File]
			if !ok {
				var err error
				src, err = readFile(f.File)
				if err != nil {
					return nil, fmt.Errorf("fingerprinting the findings of %s: %w", f.File, err)
				}
				srcs[f.File] = src
			}
			t = lineText(src, f.Line)
			texts[k] = t
		}
		text[i] = t
	}

	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := fs[order[a]], fs[order[b]]
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		if x.Col != y.Col {
			return x.Col < y.Col
		}
		if x.EndLine != y.EndLine {
			return x.EndLine < y.EndLine
		}
		if x.EndCol != y.EndCol {
			return x.EndCol < y.EndCol
		}
		return x.Message < y.Message
	})

	type groupKey struct{ check, file, scope, text string }
	seen := make(map[groupKey]int)
	fps := make([]string, len(fs))
	for _, i := range order {
		f := fs[i]
		k := groupKey{f.Check, f.File, scope(i), text[i]}
		fps[i] = fingerprint(f.Check, f.File, k.scope, text[i], seen[k])
		seen[k]++
	}
	return fps, nil
}

// Baseline is a set of accepted findings (see the package documentation for
// the file format).
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Check       string `json:"check"`
	File        string `json:"file"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message,omitempty"`
}

// WriteBaseline writes a version 1 baseline of fs, whose fingerprints (from
// [Fingerprints]) are fps, sorted by file, check, fingerprint and message.
func WriteBaseline(w io.Writer, fs []Finding, fps []string) error {
	if len(fs) != len(fps) {
		return fmt.Errorf("report: %d findings but %d fingerprints", len(fs), len(fps))
	}
	return encodeJSON(w, BaselineOf(fs, fps))
}

// BaselineOf returns the version 1 baseline of fs, whose fingerprints are
// fps, sorted by file, check, fingerprint and message. A finding without a
// fingerprint (fps too short) is left out: it could never match.
func BaselineOf(fs []Finding, fps []string) *Baseline {
	b := &Baseline{Version: 1, Findings: make([]BaselineEntry, 0, len(fs))}
	for i, f := range fs {
		if i >= len(fps) || fps[i] == "" {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{Check: f.Check, File: f.File, Fingerprint: fps[i], Message: f.Message})
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.File != y.File {
			return x.File < y.File
		}
		if x.Check != y.Check {
			return x.Check < y.Check
		}
		if x.Fingerprint != y.Fingerprint {
			return x.Fingerprint < y.Fingerprint
		}
		return x.Message < y.Message
	})
	return b
}

// ReadBaseline reads a baseline written by [WriteBaseline].
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(r)
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("not a keepalivefix baseline: %w", err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("baseline version %d, but this keepalivefix reads version 1", b.Version)
	}
	for i, e := range b.Findings {
		if e.Check == "" || e.File == "" || e.Fingerprint == "" {
			return nil, fmt.Errorf("baseline entry %d lacks a check, file or fingerprint", i)
		}
	}
	return &b, nil
}

// Filter returns, in input order, the findings of fs that the baseline does
// not contain; fps[i] is the fingerprint of fs[i]. Each baseline entry
// absorbs at most one finding with the same check, file and fingerprint.
// A finding without a fingerprint (fps too short, or "") is always new. A
// nil baseline contains nothing.
func (b *Baseline) Filter(fs []Finding, fps []string) []Finding {
	type key struct{ check, file, fp string }
	count := make(map[key]int)
	if b != nil {
		for _, e := range b.Findings {
			count[key{e.Check, e.File, e.Fingerprint}]++
		}
	}
	var out []Finding
	for i, f := range fs {
		if i < len(fps) && fps[i] != "" {
			k := key{f.Check, f.File, fps[i]}
			if count[k] > 0 {
				count[k]--
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
