package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestSARIFSchema validates the SARIF output against the official SARIF
// 2.1.0 JSON schema, kept unmodified in testdata (see its NOTICE) so that
// the test needs nothing from outside the repository.
func TestSARIFSchema(t *testing.T) {
	schemaJSON, err := os.ReadFile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
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
			{File: "dir with space/é.go", Line: 9, Col: 1, Check: "KA1005", Message: "unread",
				Related: []Related{{File: "dir with space/é.go", Line: 2, Col: 2, Message: "closed unread here"}, {File: "a/b.go", Line: 3, Col: 1, Message: "returns here"}}},
			{File: "c.go", Line: 1, Check: "directive", Message: "unused //keepalive:ignore directive"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := SARIF{Tool: "keepalivefix", Version: "v0.1.0", InformationURI: "https://github.com/keepalivefix/keepalivefix",
				Rules: rules, Root: t.TempDir(), ReadFile: func(string) ([]byte, error) { return []byte("\t// é\n\tresp, err := c.Get(u)\n\tx\n"), nil }}
			if err := s.Write(&buf, tc.findings); err != nil {
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
