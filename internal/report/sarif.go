package report

import (
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// SARIFSchema is the $schema URI written by [WriteSARIF].
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// FingerprintKey is the partialFingerprints key used in SARIF output.
const FingerprintKey = "keepalive/v1"

// SrcRoot is the uriBaseId of every artifact location: finding paths are
// relative to it, and the run's originalUriBaseIds says where it was.
const SrcRoot = "%SRCROOT%"

// ColumnKind is the unit of the columns in SARIF output. The analyzer
// counts bytes; SARIF has no byte unit, so columns are converted from the
// file's text. UTF-16 is the unit of GitHub code scanning and most editors.
const ColumnKind = "utf16CodeUnits"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name,omitempty"`
	ShortDescription     *sarifText          `json:"shortDescription,omitempty"`
	FullDescription      *sarifText          `json:"fullDescription,omitempty"`
	DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
	Help                 *sarifText          `json:"help,omitempty"`
	HelpURI              string              `json:"helpUri,omitempty"`
	Properties           sarifRuleProperties `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

// sarifRuleProperties are the rule properties GitHub code scanning reads:
// tags to filter by, and how often a finding is right.
type sarifRuleProperties struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifRelated    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

type sarifRelated struct {
	ID               int                   `json:"id"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          sarifText             `json:"message"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func optText(s string) *sarifText {
	if s == "" {
		return nil
	}
	return &sarifText{Text: s}
}

// SARIF describes the run of a SARIF log: the tool, its rules, and where
// the findings' files are.
type SARIF struct {
	Tool, Version, InformationURI string

	// Rules lists the checks in the order used for ruleIndex; a finding
	// whose check is not among them gets a minimal rule appended (ID, Name,
	// URL).
	Rules []Rule

	// Root is the directory the findings' paths are relative to, written
	// as the absolute location of %SRCROOT%. Empty means the top level of
	// the git work tree that holds the current directory (as the command
	// names files in SARIF), or the current directory outside one.
	Root string

	// ReadFile reads a finding's file by its path, for the line text that
	// columns are converted with; nil means os.ReadFile of Root joined with
	// the path. A finding whose file cannot be read keeps only its lines.
	ReadFile func(string) ([]byte, error)
}

// WriteSARIF writes a SARIF 2.1.0 log with one run of the tool named tool,
// whose findings' paths are relative to the repository's top level (or the
// current directory outside a repository); see [SARIF.Write].
func WriteSARIF(w io.Writer, tool, version, infoURI string, rules []Rule, fs []Finding) error {
	return SARIF{Tool: tool, Version: version, InformationURI: infoURI, Rules: rules}.Write(w, fs)
}

// Write writes a SARIF 2.1.0 log with one run holding the findings fs.
// Findings with a Fingerprint carry it as partialFingerprints
// ["keepalive/v1"]. Columns are in UTF-16 code units ([ColumnKind]).
func (s SARIF) Write(w io.Writer, fs []Finding) error {
	driver := sarifDriver{
		Name:            s.Tool,
		Version:         s.Version,
		SemanticVersion: semanticVersion(s.Version),
		InformationURI:  s.InformationURI,
		Rules:           make([]sarifRule, 0, len(s.Rules)),
	}
	index := make(map[string]int)
	addRule := func(r Rule) {
		if _, dup := index[r.ID]; dup {
			return
		}
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, ruleOf(r))
	}
	for _, r := range s.Rules {
		addRule(r)
	}

	root := s.Root
	if root == "" {
		root = defaultRoot()
	}
	readFile := s.ReadFile
	if readFile == nil {
		readFile = func(name string) ([]byte, error) {
			return os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		}
	}
	cols := columns{read: readFile, files: map[string][]string{}}

	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		if _, ok := index[f.Check]; !ok {
			addRule(Rule{ID: f.Check, Name: f.Name, Title: f.Name, URL: f.URL})
		}
		res := sarifResult{
			RuleID:    f.Check,
			RuleIndex: index[f.Check],
			Level:     "warning",
			Message:   sarifText{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: fileURI(f.File), URIBaseID: SrcRoot},
				Region:           cols.region(f),
			}}},
		}
		for i, rel := range f.Related {
			res.RelatedLocations = append(res.RelatedLocations, sarifRelated{
				ID: i + 1,
				PhysicalLocation: sarifPhysicalLocation{
					ArtifactLocation: sarifArtifactLocation{URI: fileURI(rel.File), URIBaseID: SrcRoot},
					Region:           cols.region(Finding{File: rel.File, Line: rel.Line, Col: rel.Col}),
				},
				Message: sarifText{Text: rel.Message},
			})
		}
		if f.Fingerprint != "" {
			res.PartialFingerprints = map[string]string{FingerprintKey: f.Fingerprint}
		}
		results = append(results, res)
	}

	run := sarifRun{
		Tool:       sarifTool{Driver: driver},
		ColumnKind: ColumnKind,
		Results:    results,
	}
	if u := dirURI(root); u != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{SrcRoot: {URI: u}}
	}
	return encodeJSON(w, sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// defaultRoot returns the top level of the git work tree that holds the
// current directory, or the current directory outside one ("" if unknown).
func defaultRoot() string {
	cwd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if top, err := RepoRoot(cwd); err == nil {
		return top
	}
	return cwd
}

// ruleOf describes check r. A rule ID that is not a check's (KA...) is
// about the tool's own directives.
func ruleOf(r Rule) sarifRule {
	props := sarifRuleProperties{Tags: []string{"keepalive", "performance", "reliability"}, Precision: "high"}
	if !strings.HasPrefix(r.ID, "KA") {
		props = sarifRuleProperties{Tags: []string{"keepalive", "maintainability"}, Precision: "very-high"}
	}
	var help *sarifText
	if r.Help != "" {
		help = &sarifText{Text: r.Help, Markdown: helpMarkdown(r.Help)}
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 r.Name,
		ShortDescription:     optText(r.Title),
		FullDescription:      optText(firstParagraph(r)),
		DefaultConfiguration: sarifConfiguration{Level: "warning"},
		Help:                 help,
		HelpURI:              r.URL,
		Properties:           props,
	}
}

// firstParagraph returns the first paragraph of r's help after its title
// line, on one line: the why of the check in short. It is the title when
// the help has no such paragraph.
func firstParagraph(r Rule) string {
	paras := strings.Split(strings.TrimSpace(r.Help), "\n\n")
	if len(paras) > 0 && strings.HasPrefix(paras[0], r.ID) {
		paras = paras[1:] // "KA1004 (body-not-closed): title"
	}
	if len(paras) == 0 || paras[0] == "" || strings.HasPrefix(paras[0], "\t") {
		return r.Title
	}
	return strings.Join(strings.Fields(paras[0]), " ")
}

var (
	markdownSpecial = regexp.MustCompile("([\\\\`*_\\[\\]<>#|])")
	helpHeading     = regexp.MustCompile(`^[A-Z][^.:]{0,40}:$`) // "Bad:", "Fix (keepalivefix -w):"
	bareURL         = regexp.MustCompile(`^https?://\S+$`)
)

// helpMarkdown renders plain-text help (the -explain text) as Markdown:
// tab-indented code becomes fenced Go, a line such as "Bad:" a heading in
// bold, a URL alone on its line a link, and other text is escaped.
func helpMarkdown(text string) string {
	var b strings.Builder
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "\t"):
			// Code runs to the last indented line before an unindented one.
			j := i
			for k := i; k < len(lines) && (lines[k] == "" || strings.HasPrefix(lines[k], "\t")); k++ {
				if lines[k] != "" {
					j = k
				}
			}
			b.WriteString("```go\n")
			for _, l := range lines[i : j+1] {
				b.WriteString(strings.TrimPrefix(l, "\t") + "\n")
			}
			b.WriteString("```\n")
			i = j
		case i == 0:
			b.WriteString("**" + markdownSpecial.ReplaceAllString(line, `\$1`) + "**\n")
		case helpHeading.MatchString(line):
			b.WriteString("**" + markdownSpecial.ReplaceAllString(line, `\$1`) + "**\n")
		case bareURL.MatchString(line):
			b.WriteString("[" + markdownSpecial.ReplaceAllString(line, `\$1`) + "](" + line + ")\n")
		default:
			b.WriteString(markdownSpecial.ReplaceAllString(line, `\$1`) + "\n")
		}
	}
	return b.String()
}

var semver = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$`)

// semanticVersion returns version without its "v" if it is a semantic
// version ("v0.2.0"), else "" (as for "(devel)").
func semanticVersion(version string) string {
	if m := semver.FindStringSubmatch(version); m != nil {
		return m[1]
	}
	return ""
}

// columns converts the analyzer's byte columns to UTF-16 code units with
// the text of the findings' lines.
type columns struct {
	read  func(string) ([]byte, error)
	files map[string][]string // lines; nil if unreadable
}

func (c columns) lines(file string) []string {
	ls, ok := c.files[file]
	if !ok {
		if src, err := c.read(file); err == nil {
			ls = strings.Split(string(src), "\n")
		}
		c.files[file] = ls
	}
	return ls
}

// column returns byte column col of line as a UTF-16 column, or 0 when the
// line is unknown.
func (c columns) column(file string, line, col int) int {
	ls := c.lines(file)
	if col <= 0 || line <= 0 || line > len(ls) {
		return 0
	}
	return utf16Column(ls[line-1], col)
}

func (c columns) region(f Finding) *sarifRegion {
	if f.Line <= 0 {
		return nil
	}
	r := &sarifRegion{StartLine: f.Line, StartColumn: c.column(f.File, f.Line, f.Col)}
	if f.EndLine >= f.Line {
		r.EndLine = f.EndLine
		// The end column only with the start column: a region whose end
		// is known but not its start would mean the start of the line.
		if ec := c.column(f.File, f.EndLine, f.EndCol); ec > 0 && r.StartColumn > 0 && (f.EndLine > f.Line || ec >= r.StartColumn) {
			r.EndColumn = ec
		}
	}
	return r
}

// utf16Column converts the 1-based byte column col of line to a 1-based
// column in UTF-16 code units. A column past the end of the line (the
// position of its newline) counts the missing bytes as one unit each.
func utf16Column(line string, col int) int {
	n := 1
	for i, r := range line {
		if i >= col-1 {
			return n
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n + max(0, col-1-len(line))
}

// dirURI returns the file URI of directory dir, ending in a slash, as
// originalUriBaseIds needs, or "" if dir is not absolute.
func dirURI(dir string) string {
	if !filepath.IsAbs(dir) {
		return ""
	}
	p := filepath.ToSlash(filepath.Clean(dir))
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/src -> /C:/src
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// fileURI turns a relative, slash-separated path into a relative URI
// reference, percent-encoding as needed.
func fileURI(p string) string {
	if p != "" {
		p = path.Clean(p)
	}
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).String()
}
