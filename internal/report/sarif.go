package report

import (
	"io"
	"net/url"
	"path"
	"strings"
)

// SARIFSchema is the $schema URI written by [WriteSARIF].
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// FingerprintKey is the partialFingerprints key used in SARIF output.
const FingerprintKey = "keepalive/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string     `json:"id"`
	Name             string     `json:"name,omitempty"`
	ShortDescription *sarifText `json:"shortDescription,omitempty"`
	FullDescription  *sarifText `json:"fullDescription,omitempty"`
	Help             *sarifText `json:"help,omitempty"`
	HelpURI          string     `json:"helpUri,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
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

// WriteSARIF writes a SARIF 2.1.0 log with one run of the tool named tool.
// rules lists the checks in the order used for ruleIndex; a finding whose
// check is not among them gets a minimal rule appended (ID, Name, URL).
// Findings with a Fingerprint carry it as partialFingerprints["keepalive/v1"].
func WriteSARIF(w io.Writer, tool, version, infoURI string, rules []Rule, fs []Finding) error {
	driver := sarifDriver{
		Name:           tool,
		Version:        version,
		InformationURI: infoURI,
		Rules:          make([]sarifRule, 0, len(rules)),
	}
	index := make(map[string]int)
	addRule := func(r Rule) {
		if _, dup := index[r.ID]; dup {
			return
		}
		index[r.ID] = len(driver.Rules)
		full := r.Help
		if full == "" {
			full = r.Title
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID:               r.ID,
			Name:             r.Name,
			ShortDescription: optText(r.Title),
			FullDescription:  optText(full),
			Help:             optText(r.Help),
			HelpURI:          r.URL,
		})
	}
	for _, r := range rules {
		addRule(r)
	}

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
				ArtifactLocation: sarifArtifactLocation{URI: fileURI(f.File), URIBaseID: "%SRCROOT%"},
				Region:           region(f),
			}}},
		}
		if f.Fingerprint != "" {
			res.PartialFingerprints = map[string]string{FingerprintKey: f.Fingerprint}
		}
		results = append(results, res)
	}

	return encodeJSON(w, sarifLog{
		Schema:  SARIFSchema,
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}},
	})
}

func region(f Finding) *sarifRegion {
	if f.Line <= 0 {
		return nil
	}
	r := &sarifRegion{StartLine: f.Line}
	if f.Col > 0 {
		r.StartColumn = f.Col
	}
	if f.EndLine >= f.Line {
		r.EndLine = f.EndLine
		if f.EndCol > 0 && (f.EndLine > f.Line || f.EndCol >= f.Col) {
			r.EndColumn = f.EndCol
		}
	}
	return r
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
