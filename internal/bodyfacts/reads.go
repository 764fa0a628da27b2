package bodyfacts

import (
	"go/ast"
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// Uses finer than knowledge's, kept in bits knowledge does not use.
const (
	// ToEOF: the body is read to its end (io.ReadAll, io.Copy). At EOF
	// net/http returns the HTTP/1.x connection to the pool whether or not
	// Close is called, so for keep-alive this releases the response.
	ToEOF knowledge.Use = 1 << 5
	// Partial: the body is read through a small bound (io.ReadAll of an
	// io.LimitReader of a few KiB, for an error message): the rest stays
	// unread whatever a decoder would do, so a Close after it drops the
	// connection even without -strict-drain.
	Partial knowledge.Use = 1 << 6
)

// smallBound is the largest io.LimitReader bound that counts as reading
// only a prefix: the drain that fixes use reads 64 KiB, and a bound below
// it is a snippet, not an attempt to reach EOF.
const smallBound = 64 << 10

// stdUse refines knowledge.StdUse: a drain that is not bounded reaches EOF,
// and the formatting and logging packages only look at their arguments.
func stdUse(fn *types.Func, i int) (knowledge.Use, bool) {
	if u, ok := knowledge.StdUse(fn, i); ok {
		if u&knowledge.Drains != 0 && !knowledge.IsFunc(fn, "io", "CopyN") {
			u |= ToEOF
		}
		return u, true
	}
	if observes(fn) {
		return 0, true
	}
	return 0, false
}

// observes reports whether fn belongs to a standard package that formats,
// logs or wraps its arguments without reading or closing a body: fmt.Print*,
// log.*, errors.*, log/slog. (This belongs beside knowledge's table, which
// lists only some of them.)
func observes(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "fmt", "log", "errors", "log/slog":
		return true
	}
	return false
}

// limitedUse reports what call does with a body it reads through
// io.LimitReader(body, N) passed as its argument i: a copy to io.Discard
// is a bounded drain, a read of a small constant prefix is Partial, a
// larger bound is a bounded drain. It reports false when arg is not such a
// reader of a tracked body.
func (r *Result) limitedUse(info *types.Info, fn *types.Func, call *ast.CallExpr, i int, tracked func(ast.Expr) bool) (knowledge.Use, bool) {
	lim, ok := ast.Unparen(call.Args[i]).(*ast.CallExpr)
	if !ok || len(lim.Args) != 2 || !tracked(lim.Args[0]) {
		return 0, false
	}
	if !knowledge.IsFunc(typeutil.Callee(info, lim), "io", "LimitReader") {
		return 0, false
	}
	outer, known := r.ArgUse(fn, i)
	if !known || outer&knowledge.Drains == 0 {
		return knowledge.Reads, true
	}
	if i == 1 && len(call.Args) >= 2 && isDiscard(info, call.Args[0]) {
		return knowledge.Drains, true
	}
	if tv := info.Types[lim.Args[1]]; tv.Value != nil {
		if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact && n < smallBound {
			return knowledge.Reads | Partial, true
		}
	}
	return knowledge.Drains, true
}

// isDiscard reports whether e is io.Discard or ioutil.Discard.
func isDiscard(info *types.Info, e ast.Expr) bool {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || v.Pkg() == nil || v.Name() != "Discard" || v.Parent() != v.Pkg().Scope() {
		return false
	}
	return v.Pkg().Path() == "io" || v.Pkg().Path() == "io/ioutil"
}
