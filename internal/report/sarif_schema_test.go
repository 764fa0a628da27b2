package report

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchemaModule ships the OASIS SARIF 2.1.0 JSON schema in its test
// data. The test takes it from the module cache at test time rather than
// keeping a copy here.
const sarifSchemaModule = "github.com/securego/gosec/v2@v2.29.0"

// TestSARIFSchema validates WriteSARIF's output against the official SARIF
// 2.1.0 JSON schema.
func TestSARIFSchema(t *testing.T) {
	out, err := exec.Command("go", "mod", "download", "-json", sarifSchemaModule).Output()
	if err != nil {
		t.Skipf("the SARIF schema's module is not available (%v): the structural check in sarif_test.go still runs", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download -json: %v\n%s", err, out)
	}
	schemaJSON, err := os.ReadFile(filepath.Join(mod.Dir, "report", "sarif", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}

	// The schema must reject what is not SARIF, or this test proves nothing.
	broken, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"version": "2.1.0", "runs": [{"tool": {}}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(broken) == nil {
		t.Fatal("the schema accepts a run without tool.driver")
	}

	rules := []Rule{
		{ID: "KA1004", Name: "body-not-closed", Title: "response body not closed", Help: "Close it.", URL: "https://example.com/KA1004.md"},
		{ID: "KA1005", Name: "body-not-drained", Title: "response body closed before EOF", Help: "Drain it.", URL: "https://example.com/KA1005.md"},
	}
	for _, tc := range []struct {
		name     string
		findings []Finding
	}{
		{"none", nil},
		{"findings", []Finding{
			{File: "a/b.go", Line: 3, Col: 2, EndLine: 3, EndCol: 20, Check: "KA1004", Name: "body-not-closed", Message: "leak", URL: rules[0].URL, Fixable: true, Fingerprint: "abc"},
			{File: "dir with space/é.go", Line: 9, Col: 1, Check: "KA1005", Message: "unread"},
			{File: "c.go", Line: 1, Check: "directive", Message: "unused //keepalive:ignore directive"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, "keepalivefix", "0.1.0", "https://github.com/keepalivefix/keepalivefix", rules, tc.findings); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("output is not valid SARIF 2.1.0: %v\n%s", err, buf.String())
			}
		})
	}
}
