package fixer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// free reports whether name can be declared at package level and used at
// every position in uses: nothing in the package or in any file's imports
// has the name, nothing at a use site shadows it, and no other fix of this
// run has claimed it.
func (pl *Planner) free(name string, uses []token.Pos, claimed map[string]bool) bool {
	if claimed[name] || pl.pass.Pkg.Scope().Lookup(name) != nil || types.Universe.Lookup(name) != nil {
		return false
	}
	for _, f := range pl.pass.Files {
		for _, spec := range f.Imports {
			if importName(spec) == name {
				return false
			}
		}
	}
	for _, pos := range uses {
		if _, obj := pl.scopeAt(pos).LookupParent(name, pos); obj != nil {
			return false
		}
	}
	return true
}

// pick returns the first free name among base, base2, base3, ...
func (pl *Planner) pick(base string, uses []token.Pos, claimed map[string]bool) string {
	ignored := pl.ignoredNames()
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if !ignored[name] && pl.free(name, uses, claimed) {
			claimed[name] = true
			return name
		}
	}
}

// ignoredNames returns the package-level names declared by the package's
// files that the build configuration excludes (//go:build tags, GOOS and
// GOARCH suffixes): a declaration the fixes add must not collide with them
// when the package is built another way.
func (pl *Planner) ignoredNames() map[string]bool {
	names := make(map[string]bool)
	if pl.pass.ReadFile == nil {
		return names
	}
	for _, filename := range pl.pass.IgnoredFiles {
		if !strings.HasSuffix(filename, ".go") {
			continue
		}
		src, err := pl.pass.ReadFile(filename)
		if err != nil {
			continue
		}
		f, _ := parser.ParseFile(token.NewFileSet(), filename, src, parser.SkipObjectResolution)
		if f == nil || f.Name.Name != pl.pass.Pkg.Name() {
			continue
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, id := range s.Names {
							names[id.Name] = true
						}
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					}
				}
			}
		}
	}
	return names
}

// importName returns the name a spec binds in its file.
func importName(spec *ast.ImportSpec) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	p, _ := strconv.Unquote(spec.Path.Value)
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// chooseNames settles the shared client and drain helper names before any
// edit is written, since every fix refers to them.
func (pl *Planner) chooseNames() {
	claimed := make(map[string]bool)
	var clientUses, drainUses []token.Pos
	var methods []string
	testOnly := true
	for _, f := range pl.fixes {
		if f.dropped {
			continue
		}
		switch f.kind {
		case kindSharedClient:
			clientUses = append(clientUses, f.node.Pos())
			if sel, ok := ast.Unparen(f.node.(*ast.CallExpr).Fun).(*ast.SelectorExpr); ok && !slices.Contains(methods, sel.Sel.Name) {
				methods = append(methods, sel.Sel.Name)
			}
		case kindCloseBody, kindDrainBody:
			drainUses = append(drainUses, f.node.Pos())
			testOnly = testOnly && f.file.test
		}
	}
	if len(clientUses) > 0 && pl.opts.Client == "" {
		pl.client = pl.existingClient(clientUses, methods)
		if pl.client == "" && pl.opts.Shared != "" {
			pl.sharedClient = true
		} else if pl.client == "" {
			pl.client = pl.pick("httpClient", clientUses, claimed)
			pl.transportType = pl.pick("sharedTransport", clientUses, claimed)
			pl.declareClient = true
		}
	}
	if len(drainUses) > 0 {
		base := "drainAndClose"
		if testOnly {
			// Declared in a test file, the helper is invisible to the
			// package without its tests; a distinct name keeps a later
			// non-test helper from colliding with it.
			base = "testDrainAndClose"
		}
		pl.drain = pl.existingHelper(base, drainUses, testOnly)
		if pl.drain == "" && testOnly {
			pl.drain = pl.existingHelper("drainAndClose", drainUses, false)
		}
		if pl.drain == "" && pl.opts.Shared != "" {
			pl.sharedDrain = true
		} else if pl.drain == "" {
			pl.drain = pl.pick(base, drainUses, claimed)
			pl.declareDrain = true
		}
	}
	pl.claimed = claimed
}

// clientBehind reports whether v, of an interface type the package uses for
// its client (a Doer), holds an *http.Client it is initialised with and
// never reassigned, and offers every method the fixes call with
// http.Client's signature.
func (pl *Planner) clientBehind(v *types.Var, methods []string) bool {
	if !types.IsInterface(v.Type()) || len(methods) == 0 || pl.reassigned(v) || !pl.initialisedWithClient(v) {
		return false
	}
	for _, m := range methods {
		want, _, _ := types.LookupFieldOrMethod(types.NewPointer(pl.httpClientType()), false, nil, m)
		got, _, _ := types.LookupFieldOrMethod(v.Type(), false, v.Pkg(), m)
		wf, ok1 := want.(*types.Func)
		gf, ok2 := got.(*types.Func)
		if !ok1 || !ok2 || !types.Identical(wf.Type().(*types.Signature).Params(), gf.Type().(*types.Signature).Params()) ||
			!types.Identical(wf.Type().(*types.Signature).Results(), gf.Type().(*types.Signature).Results()) {
			return false
		}
	}
	return true
}

// httpClientType returns net/http's Client type as the package sees it.
func (pl *Planner) httpClientType() types.Type {
	var t types.Type = types.Typ[types.Invalid]
	walkImports(pl.pass.Pkg, func(p *types.Package) bool {
		if p.Path() == knowledge.NetHTTP {
			if tn, ok := p.Scope().Lookup("Client").(*types.TypeName); ok {
				t = tn.Type()
			}
			return false
		}
		return true
	})
	return t
}

// walkImports visits the packages p imports, directly or not, until visit
// returns false.
func walkImports(p *types.Package, visit func(*types.Package) bool) {
	seen := make(map[*types.Package]bool)
	var walk func(*types.Package) bool
	walk = func(p *types.Package) bool {
		for _, imp := range p.Imports() {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if !visit(imp) || !walk(imp) {
				return false
			}
		}
		return true
	}
	walk(p)
}

// initialisedWithClient reports whether the package-level v is declared
// with the value &http.Client{...} or the result of a function of the
// package that returns an *http.Client.
func (pl *Planner) initialisedWithClient(v *types.Var) bool {
	info := pl.pass.TypesInfo
	for _, f := range pl.pass.Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if info.Defs[id] != v || len(vs.Values) != len(vs.Names) {
						continue
					}
					val := ast.Unparen(vs.Values[i])
					if call, ok := val.(*ast.CallExpr); ok {
						// newDefaultHTTPClient(): a constructor of
						// this package declared to return a client.
						fn := typeutil.StaticCallee(info, call)
						return fn != nil && fn.Pkg() == pl.pass.Pkg && knowledge.IsPointerTo(info.TypeOf(call), knowledge.NetHTTP, "Client")
					}
					u, ok := val.(*ast.UnaryExpr)
					if !ok || u.Op != token.AND {
						return false
					}
					lit, ok := ast.Unparen(u.X).(*ast.CompositeLit)
					return ok && knowledge.IsClient(info.TypeOf(lit))
				}
			}
		}
	}
	return false
}

// existingClient returns the package-level client the package already
// shares, if there is exactly one visible from every use.
func (pl *Planner) existingClient(uses []token.Pos, methods []string) string {
	var found []string
	scope := pl.pass.Pkg.Scope()
	for _, name := range scope.Names() {
		v, ok := scope.Lookup(name).(*types.Var)
		if !ok {
			continue
		}
		if !knowledge.IsClient(v.Type()) && !knowledge.IsPointerTo(v.Type(), knowledge.NetHTTP, "Client") && !pl.clientBehind(v, methods) {
			continue
		}
		if strings.HasSuffix(pl.pass.Fset.Position(v.Pos()).Filename, "_test.go") {
			continue
		}
		usable := true
		for _, pos := range uses {
			if _, obj := pl.scopeAt(pos).LookupParent(name, pos); obj != v {
				usable = false
			}
		}
		if usable {
			found = append(found, name)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	for _, name := range found {
		if name == "httpClient" {
			return name // declared by an earlier run
		}
	}
	if len(found) > 1 {
		pl.clientReason = "the package has several package-level clients (" + strings.Join(found, ", ") + "): name the one to use with -client"
	}
	return ""
}

// existingHelper returns name if the package already declares it as a
// drain helper of the expected signature visible from every use.
func (pl *Planner) existingHelper(name string, uses []token.Pos, allowTest bool) string {
	fn, ok := pl.pass.Pkg.Scope().Lookup(name).(*types.Func)
	if !ok {
		return ""
	}
	if !allowTest && strings.HasSuffix(pl.pass.Fset.Position(fn.Pos()).Filename, "_test.go") {
		return ""
	}
	sig := fn.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() > 1 || !takesBody(sig.Params().At(0).Type()) {
		return ""
	}
	for _, pos := range uses {
		if _, obj := pl.scopeAt(pos).LookupParent(name, pos); obj != fn {
			return ""
		}
	}
	return name
}

// takesBody reports whether t is an interface that a response body
// satisfies and that can close it: io.ReadCloser or io.Closer.
func takesBody(t types.Type) bool {
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	closes := false
	for i := 0; i < iface.NumMethods(); i++ {
		switch iface.Method(i).Name() {
		case "Close":
			closes = true
		case "Read":
		default:
			return false
		}
	}
	return closes
}

// drainCall returns what f calls the drain helper by in its file: the
// package's own helper, or the module's shared one, imported.
func (pl *Planner) drainCall(f *Fix) string {
	if pl.sharedDrain {
		name, edits := pl.importAs(f.file, pl.opts.Shared)
		f.raw = append(f.raw, edits...)
		return name + "." + SharedDrain
	}
	f.needs |= needDrainHelper
	return pl.drain
}
