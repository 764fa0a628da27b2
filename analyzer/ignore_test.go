package analyzer_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// Diagnostics about directives link to a section of this repository's
// documentation that exists.
func TestDirectiveURL(t *testing.T) {
	a, err := analyzer.New(analyzer.Options{Checks: "all", ReportUnusedIgnores: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range analysistest.Run(t, analysistest.TestData(), a, "ignore") {
		for _, d := range r.Diagnostics {
			if d.Category != analyzer.DirectiveCategory {
				continue
			}
			n++
			if d.URL != analyzer.DirectiveURL {
				t.Errorf("%s: URL %q, want %q", d.Message, d.URL, analyzer.DirectiveURL)
			}
		}
	}
	if n == 0 {
		t.Fatal("the ignore fixture gave no directive diagnostics")
	}

	u, err := url.Parse(analyzer.DirectiveURL)
	if err != nil {
		t.Fatal(err)
	}
	// .../blob/main/docs/ci.md -> docs/ci.md in this checkout.
	_, rel, ok := strings.Cut(u.Path, "/blob/main/")
	if !ok || u.Fragment == "" {
		t.Fatalf("DirectiveURL %q is not a file of the main branch with an anchor", analyzer.DirectiveURL)
	}
	doc, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	var anchors []string
	fenced := false // in a code block, where # starts a comment
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if title, ok := strings.CutPrefix(line, "#"); ok && !fenced {
			anchors = append(anchors, headingAnchor(strings.TrimLeft(title, "#")))
		}
	}
	for _, a := range anchors {
		if a == u.Fragment {
			return
		}
	}
	t.Errorf("%s has no heading with anchor #%s (anchors: %v)", rel, u.Fragment, anchors)
}

var anchorDrop = regexp.MustCompile(`[^\p{L}\p{N}\- ]`)

// headingAnchor is the anchor GitHub gives a Markdown heading: lower case,
// punctuation dropped, spaces turned into hyphens.
func headingAnchor(title string) string {
	s := strings.ToLower(strings.TrimSpace(title))
	return strings.ReplaceAll(anchorDrop.ReplaceAllString(s, ""), " ", "-")
}

func TestHeadingAnchor(t *testing.T) {
	for in, want := range map[string]string{
		" Suppressing a finding":         "suppressing-a-finding",
		" Route 3: golangci-lint":        "route-3-golangci-lint",
		" `-new-from-rev` and baselines": "-new-from-rev-and-baselines",
		" Exit codes":                    "exit-codes",
		" What it finds (KA1001–KA1005)": "what-it-finds-ka1001ka1005",
	} {
		if got := headingAnchor(in); got != want {
			t.Errorf("headingAnchor(%q) = %q, want %q", in, got, want)
		}
	}
}
