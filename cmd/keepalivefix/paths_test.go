package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// sarifLocations returns the uri and fingerprint of each result of a SARIF
// log.
func sarifLocations(t *testing.T, out string) (uris, fps []string) {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v\n%s", err, out)
	}
	for _, r := range log.Runs[0].Results {
		if len(r.Locations) != 1 {
			t.Fatalf("result with %d locations", len(r.Locations))
		}
		uris = append(uris, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		fps = append(fps, r.PartialFingerprints["keepalive/v1"])
	}
	return uris, fps
}

// SARIF and annotations name files relative to the repository root, which
// is what code scanning and pull requests resolve them against, however the
// command is run; text stays relative to the working directory.
func TestPathsRelativeToRepository(t *testing.T) {
	env, _ := gateEnv(t)
	repo := gateRepo(t, env, map[string]string{
		"go.mod":         "module example.com/svc\n\ngo 1.26\n",
		"svc.go":         gateService,
		"inner/inner.go": strings.Replace(gateService, "package svc", "package inner", 1),
	})
	svc := filepath.Join(repo, "svc")
	want := []string{"svc/inner/inner.go", "svc/svc.go"}

	var fingerprints []string
	for _, run := range []struct {
		dir  string
		args []string
	}{
		{repo, []string{"-C", "svc"}},
		{svc, nil},
		{filepath.Join(svc, "inner"), []string{"-C", ".."}},
	} {
		r := gateRun(t, run.dir, env, append(run.args, "-sarif")...)
		uris, fps := sarifLocations(t, r.stdout)
		if strings.Join(uris, " ") != strings.Join(want, " ") {
			t.Errorf("-sarif in %s with %q: uris %q, want %q", run.dir, run.args, uris, want)
		}
		if fingerprints == nil {
			fingerprints = fps
		} else if strings.Join(fps, " ") != strings.Join(fingerprints, " ") {
			t.Errorf("-sarif in %s with %q: fingerprints %q differ from %q", run.dir, run.args, fps, fingerprints)
		}

		r = gateRun(t, run.dir, env, append(run.args, "-format=github")...)
		for _, w := range want {
			if !strings.Contains(r.stdout, "::warning file="+w+",line=18,") {
				t.Errorf("-format=github in %s with %q: no annotation for %s\n%s", run.dir, run.args, w, r.stdout)
			}
		}

		r = gateRun(t, run.dir, env, run.args...)
		if !strings.HasPrefix(r.stdout, "inner/inner.go:18:15: KA1004: ") || !strings.Contains(r.stdout, "\nsvc.go:18:15: KA1004: ") {
			t.Errorf("text in %s with %q: want paths relative to the module directory\n%s", run.dir, run.args, r.stdout)
		}
	}
	for _, fp := range fingerprints {
		if fp == "" {
			t.Errorf("a SARIF result has no fingerprint: %q", fingerprints)
		}
	}

	// Outside a git repository the paths stay relative to the working
	// directory.
	dir := writeModule(t, map[string]string{"go.mod": "module example.com/svc\n\ngo 1.26\n", "svc.go": gateService})
	r := gateRun(t, dir, env, "-sarif")
	if uris, _ := sarifLocations(t, r.stdout); strings.Join(uris, " ") != "svc.go" {
		t.Errorf("-sarif outside a repository: uris %q, want [svc.go]", uris)
	}
}
