package fixer

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// planDrainBody drains the body before the Close at (or in) the flagged
// node. A Close whose result is not used, a statement or deferred, becomes
// drainAndClose(body); one whose error is used (return resp.Body.Close(),
// if err := resp.Body.Close(); ...) keeps its Close and gets the bounded
// drain just before its statement.
func (pl *Planner) planDrainBody(f *Fix) error {
	var close *ast.CallExpr
	ast.Inspect(f.node, func(n ast.Node) bool {
		if close != nil {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && pl.isBodyClose(call) {
			close = call
		}
		lit, isLit := n.(*ast.FuncLit)
		// defer func() { _ = resp.Body.Close() }(): the literal is
		// the deferred call's.
		return !isLit || n == f.node || deferredLit(f.node, lit)
	})
	if close == nil {
		return errorf("no fix: the Close of the body is not in this statement; drain the body where it is closed")
	}
	sf := f.file
	body := ast.Unparen(close.Fun).(*ast.SelectorExpr).X
	path, _ := astutil.PathEnclosingInterval(sf.ast, close.Pos(), close.End())
	switch p := parentOf(path, close).(type) {
	case *ast.ExprStmt, *ast.DeferStmt:
		f.raw = append(f.raw, rawEdit{file: sf, start: sf.off(close.Pos()), end: sf.off(close.End()),
			text: pl.drainCall(f) + "(" + sf.text(body) + ")"})
		f.Message = "Drain the body (at most 64 KiB) before closing it"
		return nil
	case *ast.AssignStmt:
		// _ = resp.Body.Close(): the helper ignores Close's error too.
		if blankAssign(p) {
			if _, ok := parentOf(path, p).(*ast.BlockStmt); ok {
				f.raw = append(f.raw, rawEdit{file: sf, start: sf.off(p.Pos()), end: sf.off(p.End()),
					text: pl.drainCall(f) + "(" + sf.text(body) + ")"})
				f.Message = "Drain the body (at most 64 KiB) before closing it"
				return nil
			}
		}
	}
	stmt := statementOf(path)
	if stmt == nil {
		return errorf("no fix: the Close is not part of a statement the drain can go before")
	}
	ioName, discard, edits := pl.discardIn(sf)
	at := sf.lineStart(sf.off(stmt.Pos()))
	if !sf.blank(at, sf.off(stmt.Pos())) {
		return errorf("no fix: the statement shares its line")
	}
	f.raw = append(f.raw, edits...)
	f.raw = append(f.raw, rawEdit{file: sf, start: at, end: at,
		text: fmt.Sprintf("%[1]s// Drain the body (up to 64 KiB) first, so that the connection is reused.\n%[1]s_, _ = %s.CopyN(%s, %s, %d<<10)\n", sf.indentOf(stmt.Pos()), ioName, discard, sf.text(body), DrainLimit>>10)})
	f.Message = "Drain the body (at most 64 KiB) before closing it"
	return nil
}

// deferredLit reports whether lit is the function that the defer
// statement n calls.
func deferredLit(n ast.Node, lit *ast.FuncLit) bool {
	d, ok := n.(*ast.DeferStmt)
	return ok && ast.Unparen(d.Call.Fun) == lit
}

// blankAssign reports whether as assigns everything to _.
func blankAssign(as *ast.AssignStmt) bool {
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return len(as.Rhs) == 1
}

// statementOf returns the statement of a block, a case or a select clause
// that evaluates the innermost node of path, within its function; nil when
// that is an else-if, a loop's header or something else before which
// nothing can go.
func statementOf(path []ast.Node) ast.Stmt {
	for i, n := range path {
		if _, ok := n.(*ast.FuncLit); ok {
			return nil
		}
		s, ok := n.(ast.Stmt)
		if !ok || i+1 >= len(path) {
			continue
		}
		switch p := path[i+1].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			return s
		case *ast.IfStmt:
			if p.Else == n {
				return nil
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt:
			return nil
		}
	}
	return nil
}

// isBodyClose reports whether call is resp.Body.Close() for a response resp.
func (pl *Planner) isBodyClose(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Close" || len(call.Args) != 0 {
		return false
	}
	body, ok := ast.Unparen(sel.X).(*ast.SelectorExpr)
	return ok && body.Sel.Name == "Body" && knowledge.IsResponse(pl.pass.TypesInfo.TypeOf(body.X))
}

// planCloseBody closes the body of the response returned by the flagged
// call. It recognises one shape,
//
//	resp, err := send(...)
//	if err != nil {
//		... // leaves
//	}
//
// and inserts defer drainAndClose(resp.Body) after the check, or, when the
// call is directly in a loop's body, drainAndClose(resp.Body) at the end of
// the iteration. A later defer resp.Body.Close() in the same block moves up.
func (pl *Planner) planCloseBody(f *Fix) error {
	sf := f.file
	info := pl.pass.TypesInfo
	path, _ := astutil.PathEnclosingInterval(sf.ast, f.node.Pos(), f.node.End())
	assign, ok := parentOf(path, f.node).(*ast.AssignStmt)
	if !ok || len(assign.Rhs) != 1 || assign.Rhs[0] != f.node {
		return errorf("no fix: the response is not assigned to a variable here; assign it and close its body after the error check")
	}
	resp, ok := assign.Lhs[0].(*ast.Ident)
	if !ok {
		return errorf("no fix: the response is not kept in a variable; assign it and close its body after the error check")
	}
	respName := resp.Name
	bound := false
	if resp.Name == "_" {
		// _, err = client.Do(req): bind the response to close it.
		name, edits, why := pl.bindResponse(sf, assign)
		if why != "" {
			return errorf("no fix: the response is assigned to _ and %s; keep it in a variable and close its body after the error check", why)
		}
		f.raw = append(f.raw, edits...)
		respName, bound = name, true
	} else if !knowledge.IsResponse(info.TypeOf(resp)) {
		return errorf("no fix: the response is not kept in a variable; assign it and close its body after the error check")
	}
	obj := info.ObjectOf(resp)
	var list []ast.Stmt
	block := parentOf(path, assign)
	// if resp, err = c.Do(req); err != nil { return err }: the if is
	// the error check, and the close goes after it.
	var initCheck *ast.IfStmt
	if ifs, ok := block.(*ast.IfStmt); ok && ifs.Init == assign && assign.Tok == token.ASSIGN && !bound {
		initCheck = ifs
		block = parentOf(path, ifs)
	}
	switch b := block.(type) {
	case *ast.BlockStmt:
		list = b.List
	case *ast.CaseClause:
		list = b.Body
	case *ast.CommClause:
		list = b.Body
	default:
		return errorf("no fix: the call is not a statement of a block (an if or switch header); move it into its own statement")
	}
	idx := -1
	for i, s := range list {
		if s == assign || (initCheck != nil && s == initCheck) {
			idx = i
		}
	}
	anchor, rest := ast.Stmt(assign), list[idx+1:]
	var elseSplit *ast.IfStmt
	if initCheck != nil {
		errID := errorResult(info, assign)
		check := *initCheck
		check.Init = nil
		if errID == nil || errID.Name == "_" || !pl.leavesOnError(&check, info.ObjectOf(errID)) {
			return errorf("no fix: the call is in an if header that does not leave on error; move it into its own statement")
		}
		anchor = initCheck
	}
	// With an error among the results (resp, err := or resp, b, err :=),
	// the response may be nil: the defer, which evaluates resp.Body at
	// once, must come after a check that leaves on error. A check by a
	// helper (require.NoError(t, err)) is not known to leave.
	// Without such a check (`_, err := c.get(u); return err`, an error
	// only logged or discarded), the close is guarded by resp != nil and
	// goes right after the call: that holds whatever err is, also for a
	// wrapper that returns a response with its error, whose body is then
	// the caller's to close.
	guarded := false
	if errID := errorResult(info, assign); errID != nil && initCheck == nil {
		switch {
		case errID.Name != "_" && idx+1 < len(list) && pl.leavesOnError(list[idx+1], info.ObjectOf(errID)):
			anchor, rest = list[idx+1], list[idx+2:]
		case errID.Name != "_" && idx+1 < len(list) && pl.leavesOnErrorElse(list[idx+1], info.ObjectOf(errID)):
			// if err != nil { return } else if resp.StatusCode != 200
			// { return }: the close goes between the two.
			elseSplit = list[idx+1].(*ast.IfStmt)
			anchor, rest = list[idx+1], list[idx+2:]
		default:
			guarded = true
		}
	}
	fn := enclosingFunc(path)
	if fn == nil {
		return errorf("no fix: the call is not inside a function")
	}
	var body *ast.BlockStmt
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		body = fn.Body
	case *ast.FuncLit:
		body = fn.Body
	}
	var move, plain ast.Stmt
	ok = true
	if !bound {
		move, plain, ok = pl.closesAndEscapes(body, obj, assign, list[idx+1:])
	}
	loop := loopOf(path, block)
	if (!ok || plain != nil) && loop == nil && !enclosingLoop(path, fn) && !guarded {
		// Handed over (returned, passed on, closed) further down:
		// close it on the early returns before that point.
		if edits := pl.closeEarlyReturns(sf, rest, obj, pl.drainCall(f)+"("+respName+".Body)"); edits != nil {
			f.raw = append(f.raw, edits...)
			f.Message = "Close the body (after draining at most 64 KiB) on the returns before it is handed over"
			return nil
		}
	}
	if !ok || (plain != nil && loop == nil) {
		return errorf("no fix: the response is also closed elsewhere, returned, stored or passed on, so a close here could come too early; close it where its last use is")
	}
	call := pl.drainCall(f) + "(" + respName + ".Body)"
	indent := sf.indentOf(anchor.Pos())
	if guarded && (loop != nil || enclosingLoop(path, fn)) {
		return errorf("no fix: no `if err != nil { return }` right after the call, so the response may be nil where a close at the end of the iteration would go; check the error first")
	}
	if loop != nil {
		if elseSplit != nil {
			return errorf("no fix: the error check in the loop has an else branch; close the body on every path of the iteration")
		}
		if loop != block || (assign.Tok != token.DEFINE && !bound) {
			return errorf("no fix: the response is not declared in the loop's body itself; close it before each iteration ends")
		}
		edits, why := pl.closeEachIteration(sf, loop.(*ast.BlockStmt), rest, obj, move, plain, indent+call)
		if why != "" {
			return errorf("no fix: %s", why)
		}
		f.raw = append(f.raw, edits...)
		if move != nil {
			f.raw = append(f.raw, pl.removeStmt(sf, move))
			f.moved = move
		}
		f.Message = "Close the body (after draining at most 64 KiB) before each iteration ends"
		return nil
	} else if enclosingLoop(path, fn) {
		return errorf("no fix: the call sits in a nested block of a loop; close the body before the iteration ends")
	} else {
		at := sf.off(anchor.End())
		// A comment that ends the line stays on it.
		if eol := sf.lineEnd(at); sf.blank(at, eol) || bytes.HasPrefix(bytes.TrimLeft(sf.src[at:eol], " \t"), []byte("//")) {
			at = eol
		}
		switch {
		case guarded:
			f.raw = append(f.raw, rawEdit{file: sf, start: at, end: at, text: "\n" + indent + "if " + respName + " != nil {\n" +
				indent + "\tdefer " + call + "\n" + indent + "}"})
			f.Message = "Close the body (after draining at most 64 KiB) when there is a response"
		case elseSplit == nil:
			f.raw = append(f.raw, rawEdit{file: sf, start: at, end: at, text: "\n" + indent + "defer " + call})
		case isIf(elseSplit.Else):
			// } else if cond { becomes }, the close, and if cond {.
			f.raw = append(f.raw, rawEdit{file: sf, start: sf.off(elseSplit.Body.End()), end: sf.off(elseSplit.Else.Pos()),
				text: "\n" + indent + "defer " + call + "\n" + indent})
		default:
			// } else { ...: the close opens the else block, which is
			// the path on which err is nil.
			lb := sf.off(elseSplit.Else.(*ast.BlockStmt).Lbrace) + 1
			f.raw = append(f.raw, rawEdit{file: sf, start: lb, end: lb, text: "\n" + indent + "\tdefer " + call})
		}
	}
	if move != nil {
		f.raw = append(f.raw, pl.removeStmt(sf, move))
		f.moved = move
	}
	if !guarded {
		f.Message = "Close the body (after draining at most 64 KiB) right after the error check"
	}
	return nil
}

// bindResponse names the response that assign throws away in _ and makes
// the assignment declare it: `_, err = ...` becomes `resp, err := ...` when
// every other variable it assigns is declared in the same scope (so that
// := reuses them rather than declaring new ones). It returns the name and
// the edits, or why it cannot.
func (pl *Planner) bindResponse(sf *srcFile, assign *ast.AssignStmt) (string, []rawEdit, string) {
	info := pl.pass.TypesInfo
	if t, ok := info.TypeOf(assign.Rhs[0]).(*types.Tuple); !ok || t.Len() != len(assign.Lhs) || !knowledge.IsResponse(t.At(0).Type()) {
		return "", nil, "its type is not known here"
	}
	scope := pl.scopeAt(assign.Pos())
	// With = and a variable of an outer scope among the others, := would
	// declare a new one that shadows it: the response gets a var
	// declaration of its own before the statement instead.
	declare := false
	if assign.Tok == token.ASSIGN {
		for _, l := range assign.Lhs[1:] {
			id, ok := ast.Unparen(l).(*ast.Ident)
			if !ok {
				return "", nil, "the other results are not plain variables"
			}
			if id.Name == "_" {
				continue
			}
			if v := info.Uses[id]; v == nil || v.Parent() != scope {
				declare = true
			}
		}
	}
	if declare && !knowledge.IsPointerTo(info.TypeOf(assign.Rhs[0]).(*types.Tuple).At(0).Type(), knowledge.NetHTTP, "Response") {
		return "", nil, "its type is not *http.Response"
	}
	name := ""
	for _, cand := range []string{"resp", "res", "httpResp", "resp2", "resp3"} {
		if _, obj := scope.LookupParent(cand, assign.Pos()); obj == nil && !pl.declaredInFunc(cand, assign.Pos()) {
			name = cand
			break
		}
	}
	if name == "" {
		return "", nil, "no free name was found for it"
	}
	lhs := assign.Lhs[0]
	edits := []rawEdit{{file: sf, start: sf.off(lhs.Pos()), end: sf.off(lhs.End()), text: name}}
	if declare {
		httpName, e := pl.importAs(sf, "net/http")
		start := sf.lineStart(sf.off(assign.Pos()))
		if !sf.blank(start, sf.off(assign.Pos())) {
			return "", nil, "the call is not a statement of its own line"
		}
		edits = append(edits, e...)
		edits = append(edits, rawEdit{file: sf, start: start, end: start, text: sf.indentOf(assign.Pos()) + "var " + name + " *" + httpName + ".Response\n"})
	} else if assign.Tok == token.ASSIGN {
		edits = append(edits, rawEdit{file: sf, start: sf.off(assign.TokPos), end: sf.off(assign.TokPos) + 1, text: ":="})
	}
	return name, edits, ""
}

// declaredInFunc reports whether the function around pos declares name
// anywhere, where a new variable of that name could shadow it.
func (pl *Planner) declaredInFunc(name string, pos token.Pos) bool {
	for _, f := range pl.pass.Files {
		if pos < f.FileStart || pos > f.FileEnd {
			continue
		}
		path, _ := astutil.PathEnclosingInterval(f, pos, pos)
		fn := enclosingFunc(path)
		if fn == nil {
			return true
		}
		found := false
		ast.Inspect(fn, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name {
				found = true
			}
			return !found
		})
		return found
	}
	return true
}

// errorResult returns the last left-hand side of assign whose value is an
// error, or nil.
func errorResult(info *types.Info, assign *ast.AssignStmt) *ast.Ident {
	tuple, ok := info.TypeOf(assign.Rhs[0]).(*types.Tuple)
	if !ok || tuple.Len() != len(assign.Lhs) {
		return nil
	}
	errType := types.Universe.Lookup("error").Type()
	for i := tuple.Len() - 1; i > 0; i-- {
		if types.Identical(tuple.At(i).Type(), errType) {
			id, _ := assign.Lhs[i].(*ast.Ident)
			return id
		}
	}
	return nil
}

// leavesOnErrorElse reports whether s is `if err != nil { ...; leave }`
// followed by an else branch (else if ..., else {...}).
func (pl *Planner) leavesOnErrorElse(s ast.Stmt, errObj types.Object) bool {
	ifs, ok := s.(*ast.IfStmt)
	if !ok || ifs.Else == nil {
		return false
	}
	stripped := *ifs
	stripped.Else = nil
	return pl.leavesOnError(&stripped, errObj)
}

func isIf(s ast.Stmt) bool {
	_, ok := s.(*ast.IfStmt)
	return ok
}

// leavesOnError reports whether s is `if err != nil { ...; leave }` with no
// else, where leaving is return, a branch, panic or a call that never
// returns.
func (pl *Planner) leavesOnError(s ast.Stmt, errObj types.Object) bool {
	ifs, ok := s.(*ast.IfStmt)
	if !ok || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) == 0 {
		return false
	}
	cond, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ {
		return false
	}
	id, ok := ast.Unparen(cond.X).(*ast.Ident)
	if !ok || pl.pass.TypesInfo.ObjectOf(id) != errObj || !pl.pass.TypesInfo.Types[cond.Y].IsNil() {
		return false
	}
	switch last := ifs.Body.List[len(ifs.Body.List)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := last.X.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
			if fn, ok := typeutil.Callee(pl.pass.TypesInfo, call).(*types.Func); ok && knowledge.NoReturn(fn) {
				return true
			}
		}
	}
	return false
}

// closesAndEscapes checks every use of the response in body. The fix is
// safe only when the response is used through its fields and its Body is
// only read or closed: a response that is returned, stored or handed to
// an unknown function may be closed by its new owner, or still be in use
// when the inserted defer runs. A single defer resp.Body.Close() among the
// statements after the check is returned to be moved up.
func (pl *Planner) closesAndEscapes(body *ast.BlockStmt, obj types.Object, assign *ast.AssignStmt, after []ast.Stmt) (move, plain ast.Stmt, ok bool) {
	info := pl.pass.TypesInfo
	closes := 0
	ok = true
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		id, isID := n.(*ast.Ident)
		if !isID || info.Uses[id] != obj {
			return true
		}
		for _, outer := range stack[:len(stack)-1] {
			if _, lit := outer.(*ast.FuncLit); lit {
				ok = false // a closure may outlive the inserted defer
			}
		}
		parent := stack[len(stack)-2]
		sel, isSel := parent.(*ast.SelectorExpr)
		switch {
		case parent == assign && id == assign.Lhs[0]:
			// the assignment being fixed
		case isSel && sel.X == id && sel.Sel.Name != "Body":
			// resp.StatusCode, resp.Header...: fine
		case isNilComparison(info, parent, id):
			// resp == nil, resp != nil: fine
		case isSel && sel.X == id && len(stack) >= 3:
			switch use := stack[len(stack)-3].(type) {
			case *ast.SelectorExpr: // resp.Body.Close / resp.Body.Read
				if use.Sel.Name == "Close" {
					closes++
					if len(stack) < 5 {
						break
					}
					if d, isDefer := stack[len(stack)-5].(*ast.DeferStmt); isDefer {
						for _, s := range after {
							if s == d {
								move = d
							}
						}
					}
					if es, isStmt := stack[len(stack)-5].(*ast.ExprStmt); isStmt {
						for _, s := range after {
							if s == es {
								plain = es
							}
						}
					}
				} else if use.Sel.Name != "Read" {
					ok = false
				}
			case *ast.CallExpr:
				if !pl.readsOnly(use, sel) {
					ok = false
				}
			default:
				ok = false
			}
		default:
			ok = false
		}
		return true
	})
	if closes > 1 || (closes == 1 && move == nil && plain == nil) {
		return nil, nil, false
	}
	return move, plain, ok
}

// isNilComparison reports whether n compares id with nil.
func isNilComparison(info *types.Info, n ast.Node, id *ast.Ident) bool {
	b, ok := n.(*ast.BinaryExpr)
	if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
		return false
	}
	other := b.Y
	if ast.Unparen(b.Y) == id {
		other = b.X
	}
	return info.Types[other].IsNil()
}

// closeEachIteration closes the body of obj, declared in the loop body
// whose statements after the declaration (and its error check) are rest,
// on every way out of the iteration: before each return, continue and
// break that leaves it with the body still open, and at its end. With a
// deferred Close in rest (defer in a loop keeps every body open until the
// function returns), the defer goes and every exit closes; with a plain
// Close statement in rest, only the exits before it need one.
func (pl *Planner) closeEachIteration(sf *srcFile, loopBody *ast.BlockStmt, rest []ast.Stmt, obj types.Object, deferred, plain ast.Stmt, call string) ([]rawEdit, string) {
	scan, atEnd := rest, true
	if plain != nil {
		for i, s := range rest {
			if s == plain {
				scan, atEnd = rest[:i], false
			}
		}
	}
	var edits []rawEdit
	why := ""
	insertBefore := func(s ast.Stmt) {
		at := sf.lineStart(sf.off(s.Pos()))
		if !sf.blank(at, sf.off(s.Pos())) {
			why = "a way out of the iteration shares its line with other code"
			return
		}
		edits = append(edits, rawEdit{file: sf, start: at, end: at, text: sf.indentOf(s.Pos()) + strings.TrimLeft(call, " \t") + "\n"})
	}
	for _, s := range scan {
		if s == deferred {
			continue
		}
		var walk func(n ast.Node, inLoop, inSwitch bool)
		walk = func(n ast.Node, inLoop, inSwitch bool) {
			ast.Inspect(n, func(c ast.Node) bool {
				if why != "" || c == nil {
					return false
				}
				if c == n {
					return true
				}
				switch c := c.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ForStmt, *ast.RangeStmt:
					walk(c, true, inSwitch)
					return false
				case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
					walk(c, inLoop, true)
					return false
				case *ast.ReturnStmt:
					for _, r := range c.Results {
						if pl.mentionsBody(r, obj) {
							why = "a return in the loop uses the body after the close would go"
						}
					}
					insertBefore(c)
				case *ast.BranchStmt:
					switch {
					case c.Label != nil || c.Tok == token.GOTO:
						why = "the iteration is left through a label or goto"
					case c.Tok == token.CONTINUE && !inLoop, c.Tok == token.BREAK && !inLoop && !inSwitch:
						insertBefore(c)
					}
				}
				return true
			})
		}
		walk(s, false, false)
	}
	if why != "" {
		return nil, why
	}
	if atEnd && !terminates(loopBody.List) {
		at := sf.lineStart(sf.off(loopBody.Rbrace))
		edits = append(edits, rawEdit{file: sf, start: at, end: at, text: call + "\n"})
	}
	if len(edits) == 0 {
		return nil, "no way out of the iteration was found to close the body at"
	}
	return edits, ""
}

// closeEarlyReturns returns the edits that close the body of obj before
// each return in rest that comes before the first statement that hands the
// response over (returns it, passes it on, closes or reads its body), or
// nil when there is no such shape: every use before that statement reads
// only fields other than Body, and so do the returns.
func (pl *Planner) closeEarlyReturns(sf *srcFile, rest []ast.Stmt, obj types.Object, call string) []rawEdit {
	h := -1
	for i, s := range rest {
		if pl.usesBeyondFields(s, obj) {
			h = i
			break
		}
	}
	if h <= 0 {
		return nil
	}
	var edits []rawEdit
	bad := false
	for _, s := range rest[:h] {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if n.Tok == token.GOTO {
					bad = true
				}
			case *ast.ReturnStmt:
				for _, r := range n.Results {
					if pl.usesBeyondFields(r, obj) {
						bad = true
					}
				}
				at := sf.lineStart(sf.off(n.Pos()))
				if !sf.blank(at, sf.off(n.Pos())) {
					bad = true
				}
				edits = append(edits, rawEdit{file: sf, start: at, end: at, text: sf.indentOf(n.Pos()) + call + "\n"})
			}
			return !bad
		})
	}
	if bad || len(edits) == 0 {
		return nil
	}
	return edits
}

// usesBeyondFields reports whether n uses obj other than by reading a
// field that is not Body (resp.StatusCode, resp.Header).
func (pl *Planner) usesBeyondFields(n ast.Node, obj types.Object) bool {
	found := false
	var stack []ast.Node
	ast.Inspect(n, func(c ast.Node) bool {
		if c == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, c)
		id, ok := c.(*ast.Ident)
		if !ok || pl.pass.TypesInfo.Uses[id] != obj || found {
			return !found
		}
		if len(stack) >= 2 {
			if sel, ok := stack[len(stack)-2].(*ast.SelectorExpr); ok && sel.X == id && sel.Sel.Name != "Body" {
				if len(stack) < 3 {
					return true
				}
				if as, ok := stack[len(stack)-3].(*ast.AssignStmt); ok {
					for _, l := range as.Lhs {
						if l == sel {
							found = true // resp.X = ...: a change
						}
					}
				}
				return !found
			}
		}
		found = true
		return false
	})
	return found
}

// mentionsBody reports whether e uses the Body of obj.
func (pl *Planner) mentionsBody(e ast.Expr, obj types.Object) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Body" {
			if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && pl.pass.TypesInfo.Uses[id] == obj {
				found = true
			}
		}
		return !found
	})
	return found
}

// terminates reports whether the last of stmts leaves the block.
func terminates(stmts []ast.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	switch stmts[len(stmts)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	}
	return false
}

// readsOnly reports whether call only reads the body passed as arg:
// io.ReadAll, json.NewDecoder and the like, by the standard library's table
// or by the callee's fact.
func (pl *Planner) readsOnly(call *ast.CallExpr, arg ast.Expr) bool {
	fn, _ := typeutil.Callee(pl.pass.TypesInfo, call).(*types.Func)
	if fn == nil {
		return false
	}
	for i, a := range call.Args {
		if a != arg {
			continue
		}
		use, known := knowledge.StdUse(fn, i)
		if !known && pl.facts != nil {
			use, known = pl.facts.ArgUse(fn, i)
		}
		return known && use&(knowledge.Retains|knowledge.Closes) == 0
	}
	return false
}

func enclosingFunc(path []ast.Node) ast.Node {
	for _, n := range path {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return n
		}
	}
	return nil
}

// loopOf returns the body of the innermost loop around block, if block is
// that body or sits in it, within the enclosing function.
func loopOf(path []ast.Node, block ast.Node) ast.Node {
	for _, n := range path {
		switch n := n.(type) {
		case *ast.ForStmt:
			return n.Body
		case *ast.RangeStmt:
			return n.Body
		case *ast.FuncDecl, *ast.FuncLit:
			return nil
		}
	}
	return nil
}

func enclosingLoop(path []ast.Node, fn ast.Node) bool {
	for _, n := range path {
		if n == fn {
			return false
		}
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		}
	}
	return false
}
