package main_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wantVersion derives what -version should print for the binary at path
// from what go version -m reads in it: the main module's version, and the
// VCS revision when the version does not contain it.
func wantVersion(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("go", "version", "-m", path).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	var version, rev string
	modified := false
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), "\t")
		switch {
		case len(f) >= 3 && f[0] == "mod":
			version = f[2]
		case len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			rev = strings.TrimPrefix(f[1], "vcs.revision=")[:12]
		case len(f) == 2 && f[0] == "build" && f[1] == "vcs.modified=true":
			modified = true
		}
	}
	if version == "" {
		t.Fatalf("go version -m names no main module:\n%s", out)
	}
	if rev != "" && !strings.Contains(version, rev) {
		if modified {
			rev += ", modified"
		}
		version += " (" + rev + ")"
	}
	return version
}

func checkVersion(t *testing.T, bin string) {
	t.Helper()
	want := "keepalivefix " + wantVersion(t, bin) + "\n"
	for _, args := range [][]string{{"-version"}, {"version"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("keepalivefix %s = %q, %v; want %q", args[0], out, err, want)
		}
	}
	// SARIF names the same version.
	out, _ := exec.Command(bin, "-C", filepath.Join(repoRoot, "testdata", "example"), "-sarif", "./...").Output()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version string `json:"version"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("-sarif: %v\n%s", err, out)
	}
	if got := "keepalivefix " + log.Runs[0].Tool.Driver.Version + "\n"; got != want {
		t.Errorf("SARIF tool version %q, want %q", got, want)
	}
}

func TestVersion(t *testing.T) {
	checkVersion(t, binary)

	// The go command asks a vet tool for -V=full and caches vet results
	// by its answer: it must stay unitchecker's.
	out, err := exec.Command(binary, "-V=full").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), binary+" version devel ") || !strings.Contains(string(out), "buildID=") {
		t.Errorf("-V=full = %q, %v", out, err)
	}
}

// TestVersionFromVCS builds the command with the VCS information that go
// build records in a checkout by default (a pseudo-version), whatever
// GOFLAGS says.
func TestVersionFromVCS(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "keepalivefix")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build with VCS information here (not a git checkout?): %v\n%s", err, out)
	}
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "vcs.revision=") {
		// A linked git worktree, for one, gets none.
		t.Skipf("go build recorded no VCS information here:\n%s", out)
	}
	if v := wantVersion(t, bin); !strings.HasPrefix(v, "v") {
		t.Errorf("a build with VCS information has version %q, want a module version", v)
	}
	checkVersion(t, bin)
}
