package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test suites swap or wrap http.DefaultTransport (httpmock.Activate, gock,
// tracing): after -w, the code sends through the shared client the fix
// declares, and the swaps must still reach it. The module's tests, which
// need no network, pass before and after the fix.
func TestFixKeepsDefaultTransportSwaps(t *testing.T) {
	dir := copyTree(t, filepath.Join("testdata", "mockswap"))
	goCmd(t, dir, "test", "-count=1", "./...")
	if _, stderr, code := keepalivefix(t, dir, "-w", "./..."); code != 0 {
		t.Fatalf("keepalivefix -w: exit %d\n%s", code, stderr)
	}
	src, err := os.ReadFile(filepath.Join(dir, "status", "status.go"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(src), "http.Get(") || strings.Contains(string(src), "http.DefaultClient.") {
		t.Fatalf("the fix left the default client in place:\n%s", src)
	}
	goCmd(t, dir, "vet", "./...")
	goCmd(t, dir, "test", "-count=1", "./...")
}
