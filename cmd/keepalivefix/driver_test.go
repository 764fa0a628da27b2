package main_test

import (
	"strings"
	"testing"
)

// TestDriversAgree runs the example under both drivers, in every format:
// the vet driver (go vet with this binary as its vet tool) must print what
// the load driver prints, byte for byte, and exit the same.
func TestDriversAgree(t *testing.T) {
	t.Setenv("KEEPALIVEFIX_CACHE", "off")
	for _, format := range []string{"text", "json", "sarif", "github"} {
		load, lerr, lcode := keepalivefix(t, repoRoot, "-driver=load", "-format="+format, "./testdata/example/...")
		vet, verr, vcode := keepalivefix(t, repoRoot, "-driver=vet", "-format="+format, "./testdata/example/...")
		if lcode != 1 || vcode != 1 {
			t.Fatalf("%s: exit %d (load) and %d (vet), want 1\n%s\n%s", format, lcode, vcode, lerr, verr)
		}
		if load != vet {
			t.Errorf("%s: the vet driver's output differs from the load driver's\nload:\n%s\nvet:\n%s", format, load, vet)
		}
	}
}

// TestVetDriverErrors: a package that does not compile is a load error
// (exit 3) with the same words under both drivers, and the vet driver
// refuses what it cannot do.
func TestVetDriverErrors(t *testing.T) {
	t.Setenv("KEEPALIVEFIX_CACHE", "off")
	dir := writeModule(t, map[string]string{
		"go.mod":     "module m\n\ngo 1.26\n",
		"bad/bad.go": "package bad\n\nfunc f() { x }\n",
		"ok/ok.go":   "package ok\n\nimport \"net/http\"\n\nfunc F(u string) { resp, _ := http.Get(u); _ = resp }\n",
	})
	load, lerr, lcode := keepalivefix(t, dir, "-driver=load", "./...")
	vet, verr, vcode := keepalivefix(t, dir, "-driver=vet", "./...")
	if lcode != 3 || vcode != 3 {
		t.Fatalf("exit %d (load) and %d (vet), want 3\n%s\n%s", lcode, vcode, lerr, verr)
	}
	if load != vet || lerr != verr {
		t.Errorf("drivers differ\nload:\n%s%s\nvet:\n%s%s", load, lerr, vet, verr)
	}
	if !strings.Contains(verr, "bad/bad.go:3:12: undefined: x") {
		t.Errorf("stderr does not name the error with a relative path:\n%s", verr)
	}
	for _, args := range [][]string{{"-driver=vet", "-w"}, {"-driver=vet", "-test=false"}, {"-driver=fast"}} {
		_, stderr, code := keepalivefix(t, dir, append(args, "./ok")...)
		if code != 2 || !strings.Contains(stderr, "-driver") {
			t.Errorf("%v: exit %d, want 2 with a word on -driver; stderr:\n%s", args, code, stderr)
		}
	}
}
