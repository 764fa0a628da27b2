package plugin

import (
	"fmt"
	"time"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// Name is the name of the plugin and of its linter in golangci-lint.
const Name = "keepalive"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings, under
// linters.settings.custom.keepalive.settings in .golangci.yml. A zero field
// keeps the default of analyzer.DefaultOptions.
type Settings struct {
	// Checks selects the checks, as the -checks flag: "all", "KA1004,KA1005",
	// "all,-KA1001" or check names.
	Checks string `json:"checks"`
	// StrictDrain also reports bodies read by a decoder or scanner that may
	// stop before EOF.
	StrictDrain bool `json:"strict-drain"`
	// Client names the shared client fixes send through, as
	// "importpath.Name".
	Client string `json:"client"`
	// MaxIdlePerHost is MaxIdleConnsPerHost of a client a fix declares.
	MaxIdlePerHost int `json:"max-idle-per-host"`
	// HeaderTimeout is ResponseHeaderTimeout of a client a fix declares, as a
	// Go duration ("30s"); "0" means none.
	HeaderTimeout string `json:"header-timeout"`
	// Timeout is Client.Timeout of a client a fix declares, as a Go duration;
	// "0" means none.
	Timeout string `json:"timeout"`
}

// Options returns the analyzer options s selects: analyzer.DefaultOptions
// with the fields s sets overridden, and fixes confined to their finding's
// file.
func (s Settings) Options() (analyzer.Options, error) {
	opts := analyzer.DefaultOptions()
	// golangci-lint applies only the edits of a fix that lie in the file of
	// its diagnostic. A fix that also declared the shared client or drain
	// helper in a file of its own, or at the finding that carries that
	// declaration (which //nolint or --new-from-rev may drop), would leave
	// the package without it and no longer compiling.
	opts.SingleFileFixes = true
	if s.Checks != "" {
		opts.Checks = s.Checks
	}
	if s.StrictDrain {
		opts.StrictDrain = true
	}
	if s.Client != "" {
		opts.Client = s.Client
	}
	if s.MaxIdlePerHost != 0 {
		opts.MaxIdleConnsPerHost = s.MaxIdlePerHost
	}
	if s.HeaderTimeout != "" {
		d, err := time.ParseDuration(s.HeaderTimeout)
		if err != nil {
			return opts, fmt.Errorf("header-timeout: %w", err)
		}
		opts.ResponseHeaderTimeout = d
	}
	if s.Timeout != "" {
		d, err := time.ParseDuration(s.Timeout)
		if err != nil {
			return opts, fmt.Errorf("timeout: %w", err)
		}
		opts.Timeout = d
	}
	return opts, nil
}

// Plugin is the keepalive linter plugin.
type Plugin struct {
	analyzer *analysis.Analyzer
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New returns the plugin configured by settings, the raw settings
// golangci-lint passes. It fails on an unknown setting, a malformed duration
// or invalid options, such as an unknown check.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	opts, err := s.Options()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	a, err := analyzer.New(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &Plugin{analyzer: a}, nil
}

// BuildAnalyzers returns the keepalive analyzer.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return []*analysis.Analyzer{p.analyzer}, nil
}

// GetLoadMode returns register.LoadModeTypesInfo: the analyzer needs types.
func (p *Plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}
