package main_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestVetFactsCrossPackages: under the go command's unitchecker protocol
// (go vet -vettool, the protocol Bazel's nogo also speaks), each package is
// analysed in its own process and its facts reach its importers only
// through their encoded form. A helper in one package that drains and
// closes a body keeps its caller in another package quiet; a helper that
// does not leaves the caller's finding. Both need the fact to survive
// encoding, and the command must agree.
func TestVetFactsCrossPackages(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": routeGoMod,
		"h/h.go": "package h\n\nimport (\n\t\"io\"\n\t\"net/http\"\n)\n\n// Done drains and closes resp's body.\nfunc Done(resp *http.Response) {\n\t_, _ = io.Copy(io.Discard, resp.Body)\n\t_ = resp.Body.Close()\n}\n\n// Look only reads the status.\nfunc Look(resp *http.Response) int { return resp.StatusCode }\n",
		"p/p.go": "package p\n\nimport (\n\t\"net/http\"\n\n\t\"example.com/m/h\"\n)\n\nvar c = &http.Client{}\n\n// Closed hands the response to a helper that closes it.\nfunc Closed(u string) error {\n\tresp, err := c.Get(u)\n\tif err != nil {\n\t\treturn err\n\t}\n\th.Done(resp)\n\treturn nil\n}\n\n// Leaked hands it to one that does not.\nfunc Leaked(u string) int {\n\tresp, err := c.Get(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn h.Look(resp)\n}\n",
	})
	vet := exec.Command("go", "vet", "-vettool="+binary, "./...")
	vet.Dir = dir
	out, _ := vet.CombinedOutput()
	got := string(out)
	if !strings.Contains(got, "p/p.go:23:15: KA1004") || strings.Contains(got, "p/p.go:13:") {
		t.Errorf("go vet -vettool: want KA1004 at p.go:23 only (the helper's fact crosses packages encoded)\n%s", got)
	}
	stdout, _, _ := keepalivefix(t, dir, "./...")
	if !strings.Contains(stdout, "p/p.go:23:15: KA1004") || strings.Contains(stdout, "p/p.go:13:") {
		t.Errorf("the command disagrees with go vet:\n%s", stdout)
	}
}
