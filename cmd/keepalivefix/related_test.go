package main_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestRelatedInOutputs: the positions a message names (the unread close,
// the leaking return) reach JSON as "related" and SARIF as
// relatedLocations.
func TestRelatedInOutputs(t *testing.T) {
	dir := filepath.Join(repoRoot, "testdata", "example")
	out, stderr, _ := keepalivefix(t, dir, "-json", "./...")
	var rep struct {
		Findings []struct {
			Check   string `json:"check"`
			File    string `json:"file"`
			Line    int    `json:"line"`
			Related []struct {
				File    string `json:"file"`
				Line    int    `json:"line"`
				Message string `json:"message"`
			} `json:"related"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("-json: %v\n%s\n%s", err, out, stderr)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Check == "KA1005" && f.File == "catalog/catalog.go" && f.Line == 79 {
			found = len(f.Related) == 2 && f.Related[0].Line == 83 && f.Related[1].Line == 85 && f.Related[0].File == "catalog/catalog.go"
		}
	}
	if !found {
		t.Errorf("-json: the KA1005 at catalog.go:79 lacks its related close (83) and return (85):\n%s", out)
	}

	out, _, _ = keepalivefix(t, dir, "-sarif", "./...")
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID           string `json:"ruleId"`
				RelatedLocations []struct {
					ID               int `json:"id"`
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || len(sarif.Runs) != 1 {
		t.Fatalf("-sarif: %v\n%s", err, out)
	}
	n := 0
	for _, r := range sarif.Runs[0].Results {
		for _, rl := range r.RelatedLocations {
			if rl.ID > 0 && rl.Message.Text != "" && rl.PhysicalLocation.Region.StartLine > 0 && rl.PhysicalLocation.ArtifactLocation.URI != "" {
				n++
			}
		}
	}
	if n == 0 {
		t.Errorf("-sarif: no result carries relatedLocations:\n%s", out)
	}
}
