package analyzer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// TestDocsUpToDate fails when docs/checks is stale: run go generate ./analyzer.
func TestDocsUpToDate(t *testing.T) {
	for _, c := range analyzer.Checks {
		path := filepath.Join("..", "docs", "checks", c.ID+".md")
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./analyzer)", path, err)
			continue
		}
		if string(got) != c.Markdown() {
			t.Errorf("%s is stale: run go generate ./analyzer", path)
		}
	}
}
