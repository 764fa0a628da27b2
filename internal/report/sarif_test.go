package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var sarifRules = []Rule{
	{ID: "KA1001", Name: "default-client", Title: "Default client used", Help: "Use a configured client.", URL: "https://example.com/KA1001"},
	{ID: "KA1004", Name: "body-not-closed", Title: "Response body not closed", Help: "Close the body.", URL: "https://example.com/KA1004"},
}

// TestWriteSARIFGolden pins every field of a log: the rule's metadata for
// code scanning, the base URI of %SRCROOT%, and columns in UTF-16 code
// units (the line holds a two-byte "é" before the finding).
func TestWriteSARIFGolden(t *testing.T) {
	src := strings.Repeat("\n", 11) + "\tx := \"é\"; http.Get(u)\n"
	fs := []Finding{{File: "pkg/client.go", Line: 12, Col: 13, EndLine: 12, EndCol: 24, Check: "KA1004",
		Name: "body-not-closed", Message: "KA1004: response body is never closed", Fingerprint: "abc"}}
	rule := Rule{ID: "KA1004", Name: "body-not-closed", Title: "Response body not closed",
		Help: "KA1004 (body-not-closed): Response body not closed\n\nA body left open keeps\nits connection.\n\nBad:\n\n\tresp, _ := http.Get(u)\n\thttps://example.com/x\n\nhttps://example.com/KA1004",
		URL:  "https://example.com/KA1004"}
	var read []string
	var buf bytes.Buffer
	err := SARIF{Tool: "keepalive", Version: "v1.2.3", InformationURI: "https://example.com", Rules: []Rule{rule},
		Root: "/src/my repo", ReadFile: func(name string) ([]byte, error) {
			read = append(read, name)
			return []byte(src), nil
		}}.Write(&buf, fs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(read, []string{"pkg/client.go"}) {
		t.Errorf("read %q, want the finding's file once", read)
	}
	want := `{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "keepalive",
          "version": "v1.2.3",
          "semanticVersion": "1.2.3",
          "informationUri": "https://example.com",
          "rules": [
            {
              "id": "KA1004",
              "name": "body-not-closed",
              "shortDescription": {
                "text": "Response body not closed"
              },
              "fullDescription": {
                "text": "A body left open keeps its connection."
              },
              "defaultConfiguration": {
                "level": "warning"
              },
              "help": {
                "text": "KA1004 (body-not-closed): Response body not closed\n\nA body left open keeps\nits connection.\n\nBad:\n\n\tresp, _ := http.Get(u)\n\thttps://example.com/x\n\nhttps://example.com/KA1004",
                "markdown": "**KA1004 (body-not-closed): Response body not closed**\n\nA body left open keeps\nits connection.\n\n**Bad:**\n\n` + "```go" + `\nresp, _ := http.Get(u)\nhttps://example.com/x\n` + "```" + `\n\n[https://example.com/KA1004](https://example.com/KA1004)\n"
              },
              "helpUri": "https://example.com/KA1004",
              "properties": {
                "tags": [
                  "keepalive",
                  "performance",
                  "reliability"
                ],
                "precision": "high"
              }
            }
          ]
        }
      },
      "originalUriBaseIds": {
        "%SRCROOT%": {
          "uri": "file:///src/my%20repo/"
        }
      },
      "columnKind": "utf16CodeUnits",
      "results": [
        {
          "ruleId": "KA1004",
          "ruleIndex": 0,
          "level": "warning",
          "message": {
            "text": "KA1004: response body is never closed"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "pkg/client.go",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 12,
                  "startColumn": 12,
                  "endLine": 12,
                  "endColumn": 23
                }
              }
            }
          ],
          "partialFingerprints": {
            "keepalive/v1": "abc"
          }
        }
      ]
    }
  ]
}
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestWriteSARIFRepoRoot: WriteSARIF, as the command calls it, writes the
// top level of the work tree as %SRCROOT%, from a subdirectory too, and
// reads the findings' files from there for their columns.
func TestWriteSARIFRepoRoot(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	top := t.TempDir()
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	if out, err := exec.Command("git", "init", "-q", top).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	sub := filepath.Join(top, "mod", "pkg")
	if err := os.MkdirAll(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	// A 4-byte rune is two UTF-16 units: byte column 9 is unit column 7.
	if err := os.WriteFile(filepath.Join(sub, "a.go"), []byte("// 😀 x\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, "keepalivefix", "(devel)", "", nil, []Finding{{File: "mod/pkg/a.go", Line: 1, Col: 9, Check: "KA1001", Message: "m"}}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version, SemanticVersion string
				}
			}
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got, want := run.OriginalURIBaseIDs["%SRCROOT%"].URI, "file://"+filepath.ToSlash(top)+"/"; got != want {
		t.Errorf("%%SRCROOT%% = %q, want %q", got, want)
	}
	if got := run.Results[0].Locations[0].PhysicalLocation.Region.StartColumn; got != 7 {
		t.Errorf("startColumn = %d, want 7 (UTF-16 units of byte column 9 after a 4-byte rune)", got)
	}
	if d := run.Tool.Driver; d.Version != "(devel)" || d.SemanticVersion != "" {
		t.Errorf("version %q, semanticVersion %q: want (devel) and none", d.Version, d.SemanticVersion)
	}
}

func TestUTF16Column(t *testing.T) {
	for _, tc := range []struct {
		line      string
		col, want int
	}{
		{"abc", 1, 1},
		{"abc", 3, 3},
		{"abc", 4, 4}, // the newline
		{"é x", 4, 3},
		{"😀x", 5, 3},
		{"ab", 6, 6}, // past the end: a byte per unit
	} {
		if got := utf16Column(tc.line, tc.col); got != tc.want {
			t.Errorf("utf16Column(%q, %d) = %d, want %d", tc.line, tc.col, got, tc.want)
		}
	}
}

// TestSARIFRuleKinds: a directive finding is a rule of its own, tagged for
// maintainability; a rule without help gets none, and its title as its
// full description.
func TestSARIFRuleKinds(t *testing.T) {
	d := ruleOf(Rule{ID: "directive", Name: "directive", Title: "unused directive"})
	if d.Help != nil || d.FullDescription == nil || d.FullDescription.Text != "unused directive" || d.Properties.Precision != "very-high" || !slices.Contains(d.Properties.Tags, "maintainability") {
		t.Errorf("directive rule = %+v", d)
	}
	k := ruleOf(Rule{ID: "KA1002", Title: "t", Help: "KA1002 (x): t\n\n\tcode first\n"})
	if k.FullDescription.Text != "t" || k.DefaultConfiguration.Level != "warning" || !slices.Contains(k.Properties.Tags, "performance") {
		t.Errorf("check rule = %+v", k)
	}
}

func TestSemanticVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v0.2.0":                             "0.2.0",
		"v0.0.0-20261203143000-abcdef123456": "0.0.0-20261203143000-abcdef123456",
		"v1.0.0+dirty":                       "1.0.0+dirty",
		"(devel)":                            "",
		"v0.2.0 (abcdef123456, modified)":    "",
	} {
		if got := semanticVersion(in); got != want {
			t.Errorf("semanticVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteSARIFValid(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		fs    []Finding
	}{
		{"empty", sarifRules, nil},
		{"no rules", nil, nil},
		{"sample", sarifRules, []Finding{
			{File: "pkg/client.go", Line: 12, Col: 3, EndLine: 14, EndCol: 1, Check: "KA1004", Message: "m1", Fingerprint: "f1"},
			{File: "main.go", Line: 7, Check: "KA1001", Message: "m2"},
			{File: "dir with space/a:b.go", Line: 1, Col: 1, Check: "KA1004", Message: "m3"},
		}},
		{"unknown rule appended", sarifRules[:1], []Finding{
			{File: "x.go", Line: 3, Col: 2, Check: "KA1005", Name: "other", URL: "https://example.com/KA1005", Message: "m"},
			{File: "x.go", Line: 4, Col: 2, Check: "KA1001", Message: "m"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, "keepalive", "dev", "https://example.com", tt.rules, tt.fs); err != nil {
				t.Fatal(err)
			}
			var log any
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			for _, err := range checkSARIF(log) {
				t.Error(err)
			}
			// Results correspond to findings, in order.
			results := log.(map[string]any)["runs"].([]any)[0].(map[string]any)["results"].([]any)
			if len(results) != len(tt.fs) {
				t.Fatalf("%d results for %d findings", len(results), len(tt.fs))
			}
			for i, r := range results {
				r := r.(map[string]any)
				if r["ruleId"] != tt.fs[i].Check || r["message"].(map[string]any)["text"] != tt.fs[i].Message {
					t.Errorf("result %d = %v, want finding %+v", i, r, tt.fs[i])
				}
				_, hasFP := r["partialFingerprints"]
				if hasFP != (tt.fs[i].Fingerprint != "") {
					t.Errorf("result %d: partialFingerprints present=%v, fingerprint %q", i, hasFP, tt.fs[i].Fingerprint)
				}
			}
		})
	}
}

// checkSARIF checks v against the properties that the SARIF 2.1.0 schema
// requires or constrains for what WriteSARIF emits.
func checkSARIF(v any) (errs []error) {
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	obj := func(v any, where string) map[string]any {
		m, ok := v.(map[string]any)
		if !ok {
			bad("%s: want object, got %T", where, v)
		}
		return m
	}
	arr := func(v any, where string) []any {
		a, ok := v.([]any)
		if !ok {
			bad("%s: want array, got %T", where, v)
		}
		return a
	}
	str := func(m map[string]any, key, where string, required bool) (string, bool) {
		x, ok := m[key]
		if !ok {
			if required {
				bad("%s: missing required %q", where, key)
			}
			return "", false
		}
		s, ok := x.(string)
		if !ok {
			bad("%s.%s: want string, got %T", where, key, x)
		}
		return s, ok
	}
	integer := func(m map[string]any, key, where string, min int, required bool) (int, bool) {
		x, ok := m[key]
		if !ok {
			if required {
				bad("%s: missing required %q", where, key)
			}
			return 0, false
		}
		f, ok := x.(float64)
		if !ok || f != float64(int(f)) || int(f) < min {
			bad("%s.%s: want integer >= %d, got %v", where, key, min, x)
			return 0, false
		}
		return int(f), true
	}
	uri := func(m map[string]any, key, where string, required bool) {
		if s, ok := str(m, key, where, required); ok {
			if _, err := url.Parse(s); err != nil {
				bad("%s.%s: not a URI: %v", where, key, err)
			}
		}
	}
	message := func(v any, where string) {
		m := obj(v, where)
		_, hasText := m["text"]
		_, hasID := m["id"]
		if !hasText && !hasID {
			bad("%s: message needs text or id", where)
		}
		str(m, "text", where, false)
	}

	log := obj(v, "log")
	if log == nil {
		return
	}
	if s, _ := str(log, "$schema", "log", false); s != SARIFSchema {
		bad("log.$schema = %q", s)
	}
	if s, _ := str(log, "version", "log", true); s != "2.1.0" {
		bad("log.version = %q, want 2.1.0", s)
	}
	runs := arr(log["runs"], "log.runs")
	if len(runs) != 1 {
		bad("log.runs: want 1 run, got %d", len(runs))
	}
	for ri, rv := range runs {
		where := fmt.Sprintf("runs[%d]", ri)
		run := obj(rv, where)
		tool := obj(run["tool"], where+".tool")
		driver := obj(tool["driver"], where+".tool.driver")
		if name, _ := str(driver, "name", where+".tool.driver", true); name == "" {
			bad("%s.tool.driver.name is empty", where)
		}
		str(driver, "version", where+".tool.driver", false)
		uri(driver, "informationUri", where+".tool.driver", false)
		var ruleIDs []string
		seen := map[string]bool{}
		for i, rv := range arr(driver["rules"], where+".tool.driver.rules") {
			w := fmt.Sprintf("%s.tool.driver.rules[%d]", where, i)
			rule := obj(rv, w)
			id, _ := str(rule, "id", w, true)
			if id == "" || seen[id] {
				bad("%s.id %q empty or duplicate", w, id)
			}
			seen[id] = true
			ruleIDs = append(ruleIDs, id)
			str(rule, "name", w, false)
			for _, k := range []string{"shortDescription", "fullDescription", "help"} {
				if d, ok := rule[k]; ok {
					if _, ok := str(obj(d, w+"."+k), "text", w+"."+k, true); !ok {
						bad("%s.%s.text missing", w, k)
					}
				}
			}
			uri(rule, "helpUri", w, false)
		}
		for i, resv := range arr(run["results"], where+".results") {
			w := fmt.Sprintf("%s.results[%d]", where, i)
			res := obj(resv, w)
			message(res["message"], w+".message")
			id, _ := str(res, "ruleId", w, true)
			if idx, ok := integer(res, "ruleIndex", w, 0, true); ok {
				if idx >= len(ruleIDs) || ruleIDs[idx] != id {
					bad("%s: ruleIndex %d does not name rule %q (rules %v)", w, idx, id, ruleIDs)
				}
			}
			switch lvl, _ := str(res, "level", w, false); lvl {
			case "none", "note", "warning", "error", "":
			default:
				bad("%s.level %q invalid", w, lvl)
			}
			locs := arr(res["locations"], w+".locations")
			if len(locs) == 0 {
				bad("%s: no locations", w)
			}
			for li, lv := range locs {
				lw := fmt.Sprintf("%s.locations[%d]", w, li)
				pl := obj(obj(lv, lw)["physicalLocation"], lw+".physicalLocation")
				al := obj(pl["artifactLocation"], lw+".physicalLocation.artifactLocation")
				if u, ok := str(al, "uri", lw+".artifactLocation", true); ok {
					pu, err := url.Parse(u)
					if err != nil || pu.IsAbs() || strings.HasPrefix(u, "/") || strings.Contains(u, "\\") || pu.Host != "" {
						bad("%s.artifactLocation.uri %q is not a relative reference", lw, u)
					}
				}
				if b, _ := str(al, "uriBaseId", lw+".artifactLocation", false); b != "%SRCROOT%" {
					bad("%s.artifactLocation.uriBaseId = %q", lw, b)
				}
				if rv, ok := pl["region"]; ok {
					rw := lw + ".region"
					reg := obj(rv, rw)
					sl, _ := integer(reg, "startLine", rw, 1, true)
					sc, hasSC := integer(reg, "startColumn", rw, 1, false)
					el, hasEL := integer(reg, "endLine", rw, 1, false)
					ec, hasEC := integer(reg, "endColumn", rw, 1, false)
					if hasEL && el < sl {
						bad("%s: endLine %d < startLine %d", rw, el, sl)
					}
					if hasSC && hasEC && (!hasEL || el == sl) && ec < sc {
						bad("%s: endColumn %d < startColumn %d", rw, ec, sc)
					}
				}
			}
			if pf, ok := res["partialFingerprints"]; ok {
				for k, fv := range obj(pf, w+".partialFingerprints") {
					if _, ok := fv.(string); !ok {
						bad("%s.partialFingerprints[%q]: want string", w, k)
					}
				}
			}
		}
	}
	return errs
}

func TestCheckSARIFRejects(t *testing.T) {
	// The checker itself must catch typical mistakes.
	bad := []string{
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A"}]}},"results":[{"ruleId":"A","ruleIndex":1,"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go","uriBaseId":"%SRCROOT%"}}}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A"}]}},"results":[{"ruleId":"A","ruleIndex":0,"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"/abs/a.go","uriBaseId":"%SRCROOT%"}}}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[]}},"results":[{"ruleId":"A","ruleIndex":0,"message":{}}]}]}`,
		`{"version":"2.0.0","runs":[]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[]}},"results":[{"ruleId":"A","ruleIndex":0,"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go","uriBaseId":"%SRCROOT%"},"region":{"startLine":0}}}]}]}]}`,
	}
	for i, s := range bad {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		if errs := checkSARIF(v); len(errs) == 0 {
			t.Errorf("case %d: checker accepted invalid log", i)
		}
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"pkg/a.go":       "pkg/a.go",
		"./pkg/a.go":     "pkg/a.go",
		"dir x/a b.go":   "dir%20x/a%20b.go",
		"a:b.go":         "./a:b.go",
		"pkg/100%.go":    "pkg/100%25.go",
		"../other/a.go":  "../other/a.go",
		"pkg//x/../a.go": "pkg/a.go",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}
