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

type directive struct {
	pos    token.Pos
	checks map[*Check]bool
	used   bool
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
			if len(fields) < 2 {
				p.directiveProblem(c.Pos(), "//keepalive:ignore needs the check IDs and a reason: //keepalive:ignore KA1004 the caller closes the body")
				continue
			}
			d := &directive{pos: c.Pos(), checks: make(map[*Check]bool)}
			for _, id := range strings.Split(fields[0], ",") {
				chk := Lookup(id)
				if chk == nil {
					p.directiveProblem(c.Pos(), "//keepalive:ignore names unknown check %q (known: %s)", id, knownChecks())
					d = nil
					break
				}
				d.checks[chk] = true
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
		if d.checks[c] {
			d.used = true
			return true
		}
	}
	return false
}

func (p *pass) directiveProblem(pos token.Pos, format string, args ...any) {
	p.Report(analysis.Diagnostic{Pos: pos, Category: DirectiveCategory, Message: fmt.Sprintf(format, args...)})
}

// reportUnusedIgnores reports the directives that silenced nothing, when
// every check they name ran: a directive whose finding is gone should go
// too, or it will hide the next real one.
func (p *pass) reportUnusedIgnores() {
	for _, d := range p.allIgnores {
		if d.used {
			continue
		}
		all := true
		for c := range d.checks {
			all = all && p.enabled[c]
		}
		if all {
			p.directiveProblem(d.pos, "unused //keepalive:ignore directive: nothing is reported here any more")
		}
	}
}
