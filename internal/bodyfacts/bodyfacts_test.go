package bodyfacts_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/internal/bodyfacts"
)

func TestFacts(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), bodyfacts.Analyzer, "helpers")
}
