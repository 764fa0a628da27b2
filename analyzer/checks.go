package analyzer

//go:generate go run ./internal/gendocs -dir ../docs/checks

import "strings"

// A Check is one keep-alive rule. Its fields are the single source of the
// rule's documentation: the command's -explain output, the generated docs and
// the diagnostics' URLs are all derived from them.
type Check struct {
	ID      string // stable identifier, e.g. "KA1001"; never reused
	Name    string // short kebab-case name, accepted wherever an ID is
	Title   string // one-line summary
	Why     string // why it defeats connection reuse (net/http reasoning)
	Bad     string // Go code that the check reports
	Good    string // the same code written so that connections are reused
	Options string // flags that change the check's behaviour, if any
	Fix     string // what the automatic fix does
}

// DocsBase is where the per-check documentation pages live.
const DocsBase = "https://github.com/keepalivefix/keepalivefix/blob/main/docs/checks/"

// URL is the address of the check's documentation page.
func (c *Check) URL() string { return DocsBase + c.ID + ".md" }

// Explain renders the check's documentation as plain text.
func (c *Check) Explain() string {
	var b strings.Builder
	b.WriteString(c.ID + " (" + c.Name + "): " + c.Title + "\n\n")
	b.WriteString(strings.TrimSpace(c.Why) + "\n\nBad:\n\n")
	b.WriteString(indent(c.Bad) + "\nGood:\n\n")
	b.WriteString(indent(c.Good))
	if c.Fix != "" {
		b.WriteString("\nFix (keepalivefix -w):\n\n" + strings.TrimSpace(c.Fix) + "\n")
	}
	if c.Options != "" {
		b.WriteString("\nOptions:\n\n" + strings.TrimSpace(c.Options) + "\n")
	}
	b.WriteString("\n" + c.URL() + "\n")
	return b.String()
}

func indent(code string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.Trim(code, "\n"), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("\t" + line + "\n")
	}
	return b.String()
}

// Checks lists every check in ID order.
var Checks = []*Check{
	DefaultClient,
	TransportPerRequest,
	KeepAliveDisabled,
	BodyNotClosed,
	BodyNotDrained,
	ContextCancelled,
}

// Lookup finds a check by ID (case-insensitive) or name.
func Lookup(idOrName string) *Check {
	for _, c := range Checks {
		if strings.EqualFold(c.ID, idOrName) || c.Name == idOrName {
			return c
		}
	}
	return nil
}
