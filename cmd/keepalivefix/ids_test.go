package main_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// idsModule has a KA1004 finding at 7:15 and a malformed directive (no
// reason) at 12:2.
var idsModule = map[string]string{
	"go.mod": "module example.com/ids\n\ngo 1.26\n",
	"ids.go": `package ids

import "net/http"

// Leak returns before closing the body.
func Leak(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	_ = resp
	//keepalive:ignore KA1004
	return resp.StatusCode
}
`,
}

// Every diagnostic starts with its ID in the drivers that print only the
// message (go vet); the command prints the ID once, and JSON keeps it in
// its own field.
func TestMessagesStartWithID(t *testing.T) {
	dir := writeModule(t, idsModule)

	vet := exec.Command("go", "vet", "-vettool="+binary, "./...")
	vet.Dir = dir
	out, err := vet.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet succeeded, want findings:\n%s", out)
	}
	for _, want := range []string{"ids.go:7:15: KA1004: resp.Body is not closed", "ids.go:12:2: directive: "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}

	text, stderr, code := keepalivefix(t, dir, "./...")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, text, stderr)
	}
	for _, want := range []string{"ids.go:7:15: KA1004: resp.Body is not closed", "ids.go:12:2: directive: "} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	for _, twice := range []string{"KA1004: KA1004", "directive: directive:"} {
		if strings.Contains(text, twice) {
			t.Errorf("text output repeats the ID (%q):\n%s", twice, text)
		}
	}

	js, _, _ := keepalivefix(t, dir, "-json", "./...")
	var rep struct {
		Findings []struct {
			Check   string `json:"check"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("-json: %v\n%s", err, js)
	}
	if len(rep.Findings) != 2 {
		t.Fatalf("-json: %d findings, want 2:\n%s", len(rep.Findings), js)
	}
	for _, f := range rep.Findings {
		if f.Check == "" || strings.HasPrefix(f.Message, f.Check) {
			t.Errorf("-json: check %q, message %q: want the ID in check only", f.Check, f.Message)
		}
	}
}
