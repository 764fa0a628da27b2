package report

import (
	"bytes"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

const srcV1 = `package p

func f() {
	resp, _ := http.Get(u)
	use(resp)
	resp, _ = http.Get(u)
	use(resp)
}
`

// srcV2 inserts lines above the findings and reindents a flagged line.
const srcV2 = `package p

import "net/http"

// f fetches u twice.
func f() {
	resp, _ :=   http.Get(u)
	use(resp)
	resp, _ = http.Get(u)
		use(resp)
}
`

func reader(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(s), nil
	}
}

func finding(file string, line int, check string) Finding {
	return Finding{File: file, Line: line, Col: 2, Check: check, Name: "n", Message: "msg " + check}
}

func TestBaselineSurvivesInsertedLines(t *testing.T) {
	old := []Finding{finding("p.go", 4, "KA1004"), finding("p.go", 6, "KA1004")}
	oldFPs, err := Fingerprints(old, reader(map[string]string{"p.go": srcV1}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, old, oldFPs); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}

	// After the edit, the same findings moved by 3 lines, and one more appeared.
	cur := []Finding{finding("p.go", 7, "KA1004"), finding("p.go", 9, "KA1004"), finding("p.go", 9, "KA1001")}
	curFPs, err := Fingerprints(cur, reader(map[string]string{"p.go": srcV2}))
	if err != nil {
		t.Fatal(err)
	}
	if curFPs[0] != oldFPs[0] || curFPs[1] != oldFPs[1] {
		t.Errorf("fingerprints changed by moving lines: %v -> %v", oldFPs, curFPs[:2])
	}
	got := b.Filter(cur, curFPs)
	if want := cur[2:]; !reflect.DeepEqual(got, want) {
		t.Errorf("Filter = %+v, want %+v", got, want)
	}
}

func TestFingerprintChangesWithCode(t *testing.T) {
	f := finding("p.go", 4, "KA1004")
	a := Fingerprint(f, []byte(srcV1))
	if b := Fingerprint(f, []byte(strings.Replace(srcV1, "http.Get(u)", "http.Get(v)", 1))); a == b {
		t.Error("fingerprint unchanged when the flagged line's code changed")
	}
	if b := Fingerprint(f, []byte(strings.Replace(srcV1, "http.Get(u)", "http.Get( u )", 1))); a == b {
		t.Error("fingerprint unchanged when tokens were split (expected change: only white space runs are normalized)")
	}
	if b := Fingerprint(f, []byte(strings.Replace(srcV1, "resp, _ := http.Get(u)", "  resp,   _ :=\thttp.Get(u)  ", 1))); a != b {
		t.Error("fingerprint changed by white space only")
	}
	if b := Fingerprint(f, []byte(strings.Replace(srcV1, "func f()", "func g()", 1))); a != b {
		t.Error("fingerprint changed by an edit on another line")
	}
	g := f
	g.Check = "KA1005"
	if Fingerprint(g, []byte(srcV1)) == a {
		t.Error("fingerprint ignores the check")
	}
	g = f
	g.File = "q.go"
	if Fingerprint(g, []byte(srcV1)) == a {
		t.Error("fingerprint ignores the file")
	}
	// Fingerprint agrees with Fingerprints for a lone finding.
	fps, err := Fingerprints([]Finding{f}, reader(map[string]string{"p.go": srcV1}))
	if err != nil || fps[0] != a {
		t.Errorf("Fingerprints = %v, %v; want [%s]", fps, err, a)
	}
}

func TestFingerprintsOccurrences(t *testing.T) {
	src := "x()\nx()\n  x()\ny()\n"
	files := reader(map[string]string{"a.go": src})
	findings := []Finding{finding("a.go", 3, "KA1001"), finding("a.go", 1, "KA1001"), finding("a.go", 2, "KA1001"), finding("a.go", 4, "KA1001")}
	fps, err := Fingerprints(findings, files)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, fp := range fps {
		if seen[fp] {
			t.Fatalf("duplicate fingerprint in %v", fps)
		}
		seen[fp] = true
	}
	// Order independence.
	rev := []Finding{findings[3], findings[2], findings[1], findings[0]}
	fps2, err := Fingerprints(rev, files)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fps2, []string{fps[3], fps[2], fps[1], fps[0]}) {
		t.Errorf("fingerprints depend on input order")
	}
	// Line 1 is occurrence 0, as Fingerprint assumes.
	if fps[1] != Fingerprint(findings[1], []byte(src)) {
		t.Errorf("first occurrence does not match Fingerprint")
	}
	// Deleting the first identical flagged line shifts occurrences: the
	// survivors take the fingerprints of the first two.
	src2 := "x()\n  x()\ny()\n"
	fps3, err := Fingerprints([]Finding{finding("a.go", 1, "KA1001"), finding("a.go", 2, "KA1001")}, reader(map[string]string{"a.go": src2}))
	if err != nil {
		t.Fatal(err)
	}
	if fps3[0] != fps[1] || fps3[1] != fps[2] {
		t.Errorf("occurrence indexes not by line order")
	}
	// Out-of-range lines do not fail.
	if _, err := Fingerprints([]Finding{finding("a.go", 99, "KA1001")}, files); err != nil {
		t.Error(err)
	}
	// Read errors are reported.
	if _, err := Fingerprints([]Finding{finding("missing.go", 1, "KA1001")}, files); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

func TestBaselineMultiset(t *testing.T) {
	f := finding("a.go", 1, "KA1001")
	b := &Baseline{Version: 1, Findings: []BaselineEntry{
		{Check: "KA1001", File: "a.go", Fingerprint: "fp"},
		{Check: "KA1001", File: "a.go", Fingerprint: "fp"},
	}}
	tests := []struct {
		n, want int
	}{{1, 0}, {2, 0}, {3, 1}, {5, 3}}
	for _, tt := range tests {
		fs := make([]Finding, tt.n)
		fps := make([]string, tt.n)
		for i := range fs {
			fs[i], fps[i] = f, "fp"
		}
		if got := b.Filter(fs, fps); len(got) != tt.want {
			t.Errorf("%d findings: %d new, want %d", tt.n, len(got), tt.want)
		}
	}
	// Other check, file or fingerprint: not absorbed.
	other := []Finding{finding("a.go", 1, "KA1002"), finding("b.go", 1, "KA1001"), f}
	if got := b.Filter(other, []string{"fp", "fp", "other"}); len(got) != 3 {
		t.Errorf("Filter absorbed non-matching findings: %v", got)
	}
	// Missing fingerprints are new; nil baseline contains nothing.
	if got := b.Filter([]Finding{f}, nil); len(got) != 1 {
		t.Error("finding without fingerprint absorbed")
	}
	var nb *Baseline
	if got := nb.Filter([]Finding{f}, []string{"fp"}); len(got) != 1 {
		t.Error("nil baseline absorbed a finding")
	}
}

func TestWriteBaselineFormat(t *testing.T) {
	fs := []Finding{finding("b.go", 1, "KA1001"), finding("a.go", 9, "KA1004"), finding("a.go", 2, "KA1001")}
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, fs, []string{"f1", "f2", "f3"}); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "findings": [
    {
      "check": "KA1001",
      "file": "a.go",
      "fingerprint": "f3",
      "message": "msg KA1001"
    },
    {
      "check": "KA1004",
      "file": "a.go",
      "fingerprint": "f2",
      "message": "msg KA1004"
    },
    {
      "check": "KA1001",
      "file": "b.go",
      "fingerprint": "f1",
      "message": "msg KA1001"
    }
  ]
}
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	buf.Reset()
	if err := WriteBaseline(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "{\n  \"version\": 1,\n  \"findings\": []\n}\n" {
		t.Errorf("empty baseline = %q", got)
	}
	if err := WriteBaseline(&buf, fs, []string{"x"}); err == nil {
		t.Error("length mismatch accepted")
	}
}

func TestReadBaselineErrors(t *testing.T) {
	for _, s := range []string{
		``,
		`{`,
		`{"version":2,"findings":[]}`,
		`{"findings":[]}`,
		`{"version":1,"findings":[{"check":"KA1001","file":"a.go"}]}`,
	} {
		if _, err := ReadBaseline(strings.NewReader(s)); err == nil {
			t.Errorf("ReadBaseline(%q) succeeded", s)
		}
	}
	b, err := ReadBaseline(strings.NewReader(`{"version":1,"findings":null}`))
	if err != nil || len(b.Findings) != 0 {
		t.Errorf("ReadBaseline(null findings) = %v, %v", b, err)
	}
}

// A finding added in one function on a line identical to an older one in
// another: with the functions as scopes only the added one is new, and the
// older one still matches after moving down.
func TestScopedFingerprints(t *testing.T) {
	v1 := "package p\n\nfunc old() {\n\tx()\n}\n"
	v2 := "package p\n\nfunc added() {\n\tx()\n}\n\nfunc old() {\n\tx()\n}\n"
	base := []Finding{finding("p.go", 4, "KA1004")}
	head := []Finding{finding("p.go", 4, "KA1004"), finding("p.go", 8, "KA1004")}
	baseFPs, err := ScopedFingerprints(base, []string{"old"}, reader(map[string]string{"p.go": v1}))
	if err != nil {
		t.Fatal(err)
	}
	headFPs, err := ScopedFingerprints(head, []string{"added", "old"}, reader(map[string]string{"p.go": v2}))
	if err != nil {
		t.Fatal(err)
	}
	if got := BaselineOf(base, baseFPs).Filter(head, headFPs); !reflect.DeepEqual(got, head[:1]) {
		t.Errorf("new findings %v, want only the one in added, %v", got, head[:1])
	}

	// Without scopes the occurrence index blames the wrong one.
	baseFPs, _ = Fingerprints(base, reader(map[string]string{"p.go": v1}))
	headFPs, _ = Fingerprints(head, reader(map[string]string{"p.go": v2}))
	if got := BaselineOf(base, baseFPs).Filter(head, headFPs); !reflect.DeepEqual(got, head[1:]) {
		t.Errorf("unscoped: new findings %v, want %v", got, head[1:])
	}

	// Empty scopes are the unscoped fingerprints.
	plain, _ := Fingerprints(head, reader(map[string]string{"p.go": v2}))
	scoped, _ := ScopedFingerprints(head, []string{"", ""}, reader(map[string]string{"p.go": v2}))
	if !reflect.DeepEqual(plain, scoped) {
		t.Errorf("empty scopes change the fingerprints: %v, %v", plain, scoped)
	}
}

func TestBaselineOfSkipsUnfingerprinted(t *testing.T) {
	fs := []Finding{finding("a.go", 1, "KA1001"), finding("a.go", 2, "KA1001")}
	if b := BaselineOf(fs, []string{"fp"}); len(b.Findings) != 1 || b.Findings[0].Fingerprint != "fp" || b.Version != 1 {
		t.Errorf("BaselineOf = %+v, want one entry with fingerprint fp", b)
	}
}
