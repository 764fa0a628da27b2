package plugin

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golangci/plugin-module-register/register"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func TestRegistered(t *testing.T) {
	p, err := register.GetPlugin(Name)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := p(nil)
	if err != nil {
		t.Fatalf("New(nil): %v", err)
	}
	as, err := lp.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Name != "keepalive" {
		t.Fatalf("BuildAnalyzers = %v, want the keepalive analyzer", as)
	}
	if got := lp.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode = %q, want %q", got, register.LoadModeTypesInfo)
	}
}

func TestSettingsDecode(t *testing.T) {
	// The plugin's fixes keep to their file: golangci-lint drops other edits.
	def := analyzer.DefaultOptions()
	def.SingleFileFixes = true
	tests := []struct {
		name     string
		settings any
		want     analyzer.Options
	}{
		{"nil", nil, def},
		{"empty", map[string]any{}, def},
		{
			name: "all",
			// As golangci-lint passes them: decoded from YAML.
			settings: map[string]any{
				"checks":            "all,-KA1001",
				"strict-drain":      true,
				"client":            "example.com/app/httpx.Client",
				"max-idle-per-host": 32,
				"header-timeout":    "45s",
				"timeout":           "1m30s",
			},
			want: analyzer.Options{
				Checks:                "all,-KA1001",
				StrictDrain:           true,
				Client:                "example.com/app/httpx.Client",
				MaxIdleConnsPerHost:   32,
				ResponseHeaderTimeout: 45 * time.Second,
				Timeout:               90 * time.Second,
				SingleFileFixes:       true,
			},
		},
		{
			name:     "partial",
			settings: map[string]any{"checks": "KA1004,KA1005"},
			want: func() analyzer.Options {
				o := def
				o.Checks = "KA1004,KA1005"
				return o
			}(),
		},
		{
			name:     "header timeout off",
			settings: map[string]any{"header-timeout": "0"},
			want: func() analyzer.Options {
				o := def
				o.ResponseHeaderTimeout = 0
				return o
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := register.DecodeSettings[Settings](tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Options()
			if err != nil {
				t.Fatal(err)
			}
			// Options holds func fields (nil here): compare deeply.
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Options = %+v, want %+v", got, tt.want)
			}
			if _, err := New(tt.settings); err != nil {
				t.Errorf("New: %v", err)
			}
		})
	}
}

func TestSettingsErrors(t *testing.T) {
	tests := []struct {
		name     string
		settings any
		want     string
	}{
		{"invalid header timeout", map[string]any{"header-timeout": "30"}, "header-timeout"},
		{"invalid timeout", map[string]any{"timeout": "soon"}, "timeout"},
		{"negative timeout", map[string]any{"timeout": "-1s"}, "negative"},
		{"unknown check", map[string]any{"checks": "KA9999"}, "unknown check"},
		{"unknown disabled check", map[string]any{"checks": "all,-nope"}, "unknown check"},
		{"unknown setting", map[string]any{"strict_drain": true}, "unknown field"},
		{"wrong type", map[string]any{"max-idle-per-host": "many"}, "max-idle-per-host"},
		{"negative pool", map[string]any{"max-idle-per-host": -1}, "max-idle-per-host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.settings)
			if err == nil {
				t.Fatalf("New(%v) = %v, want an error", tt.settings, p)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%v) error %q does not mention %q", tt.settings, err, tt.want)
			}
		})
	}
}
