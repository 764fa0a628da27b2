package transportfacts_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/internal/transportfacts"
)

func TestFacts(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), transportfacts.Analyzer, "factories")
}
