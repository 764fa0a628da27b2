package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var sample = []Finding{
	{File: "pkg/client.go", Line: 12, Col: 3, EndLine: 12, EndCol: 40, Check: "KA1004", Name: "body-not-closed",
		Message: "response body is never closed", URL: "https://example.com/KA1004", Fixable: true},
	{File: "main.go", Line: 7, Check: "KA1001", Name: "default-client", Message: `uses "<default>" client`},
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		fs   []Finding
		want string
	}{
		{"empty", nil, ""},
		{"sample", sample, "pkg/client.go:12:3: KA1004: response body is never closed\n" +
			"main.go:7: KA1001: uses \"<default>\" client\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, tt.fs); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name string
		fs   []Finding
		want string
	}{
		{"nil", nil, "{\n  \"version\": 1,\n  \"findings\": []\n}\n"},
		{"empty", []Finding{}, "{\n  \"version\": 1,\n  \"findings\": []\n}\n"},
		{"sample", sample, `{
  "version": 1,
  "findings": [
    {
      "check": "KA1004",
      "name": "body-not-closed",
      "file": "pkg/client.go",
      "line": 12,
      "column": 3,
      "end_line": 12,
      "end_column": 40,
      "message": "response body is never closed",
      "url": "https://example.com/KA1004",
      "fix_available": true
    },
    {
      "check": "KA1001",
      "name": "default-client",
      "file": "main.go",
      "line": 7,
      "column": 0,
      "end_line": 0,
      "end_column": 0,
      "message": "uses \"<default>\" client",
      "url": "",
      "fix_available": false
    }
  ]
}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteJSON(&buf, tt.fs); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			var v map[string]any
			if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v["findings"].([]any); !ok {
				t.Errorf("findings is %T, want array", v["findings"])
			}
		})
	}
}

func TestWriteGitHub(t *testing.T) {
	tests := []struct {
		name string
		fs   []Finding
		want string
	}{
		{"empty", nil, ""},
		{"full", sample[:1],
			"::warning file=pkg/client.go,line=12,col=3,endLine=12,endColumn=40,title=KA1004 body-not-closed::response body is never closed\n"},
		{"no column", sample[1:],
			"::warning file=main.go,line=7,title=KA1001 default-client::uses \"<default>\" client\n"},
		{"escaping", []Finding{{
			File: "dir,x/a:b%c.go", Line: 1, Col: 2, Check: "KA1002", Name: "n:a,m%e",
			Message: "100% bad:\r\nsee a,b::c",
		}}, "::warning file=dir%2Cx/a%3Ab%25c.go,line=1,col=2,title=KA1002 n%3Aa%2Cm%25e::100%25 bad:%0D%0Asee a,b::c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteGitHub(&buf, tt.fs); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if strings.Count(buf.String(), "\n") != len(tt.fs) {
				t.Errorf("want one line per finding")
			}
		})
	}
}
