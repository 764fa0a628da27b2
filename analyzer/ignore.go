package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// IgnoreDirective silences a finding: //keepalive:ignore ID[,ID...] reason,
// on the flagged line or on the line above it. The reason is required, so
// that the next reader knows why the connection may be dropped there.
const IgnoreDirective = "//keepalive:ignore"

// DirectiveCategory is the category of diagnostics about the directives
// themselves: a missing reason, an unknown check, an unused directive.
const DirectiveCategory = "directive"

// DirectiveURL documents the directive; diagnostics about directives link
// to it.
var DirectiveURL = strings.TrimSuffix(DocsBase, "checks/") + "ci.md#suppressing-a-finding"

type directive struct {
	pos    token.Pos
	text   string   // "//keepalive:ignore KA1003,KA1002", for messages
	checks []*Check // in the order written
	used   map[*Check]bool
}

// silences reports whether d names check c.
func (d *directive) silences(c *Check) bool {
	for _, x := range d.checks {
		if x == c {
			return true
		}
	}
	return false
}

// directives parses the ignore directives of file f once, indexed by the
// lines they cover. Malformed directives are reported and ignore nothing.
func (p *pass) directives(tf *token.File) map[int][]*directive {
	if d, ok := p.ignores[tf]; ok {
		return d
	}
	byLine := make(map[int][]*directive)
	p.ignores[tf] = byLine
	var file *ast.File
	for _, f := range p.Files {
		if p.Fset.File(f.FileStart) == tf {
			file = f
		}
	}
	if file == nil {
		return byLine
	}
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, IgnoreDirective)
			if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
				continue
			}
			// A further comment on the line is not part of the reason.
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = rest[:i]
			}
			fields := strings.Fields(rest)
			switch len(fields) {
			case 0:
				p.directiveProblem(c.Pos(), "%s needs the IDs of the checks it silences and a reason, as in %s KA1004 the caller drains and closes the body", IgnoreDirective, IgnoreDirective)
				continue
			case 1:
				// The IDs are there: show them back with a reason to add.
				p.directiveProblem(c.Pos(), "%s %s needs a reason: %s %s <why the connection may be dropped here>", IgnoreDirective, fields[0], IgnoreDirective, fields[0])
				continue
			}
			d := &directive{pos: c.Pos(), text: IgnoreDirective + " " + fields[0], used: make(map[*Check]bool)}
			for _, id := range strings.Split(fields[0], ",") {
				chk := Lookup(id)
				if chk == nil {
					p.directiveProblem(c.Pos(), "%s names unknown check %q (known: %s)", d.text, id, knownChecks())
					d = nil
					break
				}
				if !d.silences(chk) {
					d.checks = append(d.checks, chk)
				}
			}
			if d == nil {
				continue
			}
			line := tf.Line(c.Pos())
			byLine[line] = append(byLine[line], d)
			byLine[line+1] = append(byLine[line+1], d)
			p.allIgnores = append(p.allIgnores, d)
		}
	}
	return byLine
}

// ignored reports whether a directive silences check c at pos, and marks
// the directive used.
func (p *pass) ignored(c *Check, pos token.Pos) bool {
	tf := p.Fset.File(pos)
	if tf == nil {
		return false
	}
	for _, d := range p.directives(tf)[tf.Line(pos)] {
		if d.silences(c) {
			d.used[c] = true
			return true
		}
	}
	return false
}

func (p *pass) directiveProblem(pos token.Pos, format string, args ...any) {
	p.Report(analysis.Diagnostic{Pos: pos, Category: DirectiveCategory, URL: DirectiveURL, Message: fmt.Sprintf(format, args...)})
}

// reportUnusedIgnores reports the directives that silenced nothing, and
// the IDs of a directive that silenced nothing when others in its list did,
// for the checks that ran: a directive whose finding is gone should go too,
// or it will hide the next real one.
func (p *pass) reportUnusedIgnores() {
	for _, d := range p.allIgnores {
		var unused []string
		all := true // every check named ran
		for _, c := range d.checks {
			if !p.enabled[c] {
				all = false
				continue
			}
			if !d.used[c] {
				unused = append(unused, c.ID)
			}
		}
		switch {
		case len(unused) == 0:
		case len(d.used) == 0 && all:
			p.directiveProblem(d.pos, "%s silences nothing: no such finding on this line or the next; remove it", d.text)
		default:
			p.directiveProblem(d.pos, "%s: %s silences nothing on this line or the next; remove it from the list", d.text, strings.Join(unused, ", "))
		}
	}
}
