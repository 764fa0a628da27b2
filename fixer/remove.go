package fixer

import (
	"go/ast"

	"golang.org/x/tools/go/ast/astutil"
)

// planRemove deletes a setting that turns keep-alive off. Only the setting
// goes: comments on the lines around it stay where they are, and a comment
// at the end of its line stays on a line of its own.
func (pl *Planner) planRemove(f *Fix) error {
	sf := f.file
	path, _ := astutil.PathEnclosingInterval(sf.ast, f.node.Pos(), f.node.End())
	switch n := f.node.(type) {
	case *ast.KeyValueExpr:
		lit, ok := parentOf(path, n).(*ast.CompositeLit)
		if !ok {
			return errorf("no fix: the setting is not a field of a composite literal; remove it by hand")
		}
		f.raw = append(f.raw, withCommentAbove(sf, n, pl.removeElement(sf, lit, n)))
	case *ast.AssignStmt:
		if _, ok := parentOf(path, n).(*ast.BlockStmt); !ok {
			if _, ok := parentOf(path, n).(*ast.CaseClause); !ok {
				return errorf("no fix: the assignment is not a statement of its own; remove it by hand")
			}
		}
		f.raw = append(f.raw, withCommentAbove(sf, n, pl.removeStmt(sf, n)))
	case *ast.CallExpr:
		stmt := parentOf(path, n)
		switch stmt.(type) {
		case *ast.ExprStmt, *ast.DeferStmt:
		default:
			return errorf("no fix: the call's result is used; remove it by hand")
		}
		switch parentOf(path, stmt).(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
		default:
			return errorf("no fix: the call is not a statement of its own; remove it by hand")
		}
		f.raw = append(f.raw, withCommentAbove(sf, stmt, pl.removeStmt(sf, stmt)))
	default:
		return errorf("unrecognised setting")
	}
	f.Message = "Remove the setting that turns keep-alive off"
	return nil
}

// withCommentAbove widens the deletion e of the setting n, when it takes
// whole lines, to the comment lines directly above n: a comment there
// explains the setting ("close the connection after the request") and would
// be left describing the next line.
func withCommentAbove(sf *srcFile, n ast.Node, e rawEdit) rawEdit {
	if ls := sf.lineStart(e.start); ls == 0 || !sf.blank(ls, e.start) {
		return e
	}
	fset := sf.tf
	line := fset.Line(n.Pos())
	for _, cg := range sf.ast.Comments {
		if fset.Line(cg.End()) != line-1 {
			continue
		}
		start := sf.off(cg.Pos())
		if ls := sf.lineStart(start); sf.blank(ls, start) {
			e.start = ls
		}
		break
	}
	return e
}

// parentOf returns the node enclosing n in path, which runs from the
// innermost node outwards.
func parentOf(path []ast.Node, n ast.Node) ast.Node {
	for i, p := range path {
		if p == n && i+1 < len(path) {
			return path[i+1]
		}
	}
	return nil
}

// removeStmt deletes stmt, and its whole line when nothing else is on it.
func (pl *Planner) removeStmt(sf *srcFile, stmt ast.Node) rawEdit {
	start, end := sf.off(stmt.Pos()), sf.off(stmt.End())
	for end < len(sf.src) && sf.src[end] == ';' {
		end++
	}
	return sf.wholeLines(start, end)
}

// removeElement deletes elt from lit with the comma that separates it.
func (pl *Planner) removeElement(sf *srcFile, lit *ast.CompositeLit, elt ast.Expr) rawEdit {
	start, end := sf.off(elt.Pos()), sf.off(elt.End())
	i := end
	for i < len(sf.src) && (sf.src[i] == ' ' || sf.src[i] == '\t') {
		i++
	}
	if i < len(sf.src) && sf.src[i] == ',' {
		end = i + 1
		for end < len(sf.src) && sf.src[end] == ' ' {
			end++
		}
	} else {
		// The last element written without a trailing comma: take the
		// comma before it.
		for idx, e := range lit.Elts {
			if e == elt && idx > 0 {
				start = sf.off(lit.Elts[idx-1].End())
			}
		}
	}
	return sf.wholeLines(start, end)
}

// wholeLines widens the deletion [start, end) to whole lines when the
// lines hold nothing else, so that no blank line is left behind.
func (sf *srcFile) wholeLines(start, end int) rawEdit {
	ls, le := sf.lineStart(start), sf.lineEnd(end)
	if sf.blank(ls, start) && sf.blank(end, le) && le < len(sf.src) {
		return rawEdit{file: sf, start: ls, end: le + 1}
	}
	return rawEdit{file: sf, start: start, end: end}
}
