package fixer

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"golang.org/x/tools/go/analysis"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// finish applies every surviving fix to the package at once, formats and
// type-checks the result, and then gives each fix edits of its own
// (isolate). A file whose result would not parse, format or type-check
// loses its fixes, and the rest is tried again. An import that the fixes
// leave unused is removed by the fixes that removed its last uses.
func (pl *Planner) finish() {
	for attempt := 0; attempt < 6; attempt++ {
		results, bad := pl.combine(pl.live())
		var unused []unusedImport
		if bad == nil {
			bad, unused = pl.typeCheck(results)
		}
		if bad == nil && len(unused) > 0 {
			if pl.removeUnused(unused) {
				continue
			}
			bad = unused[0].file
		}
		if bad == nil {
			if !pl.isolate(results) {
				pl.shareAll(results)
			}
			return
		}
		for _, f := range pl.fixes {
			for _, e := range f.raw {
				if e.file == bad {
					f.dropped = true
				}
			}
		}
	}
	for _, f := range pl.fixes {
		f.dropped = true
	}
}

// live returns the fixes that still have edits to make.
func (pl *Planner) live() []*Fix {
	var out []*Fix
	for _, f := range pl.fixes {
		if !f.dropped && len(f.raw) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// combine applies the raw edits of fixes file by file. It returns the new
// text of each changed file, or the first file whose result does not
// parse. Fixes whose edits overlap another's are dropped.
func (pl *Planner) combine(fixes []*Fix) (map[*srcFile][]byte, *srcFile) {
	var all []rawEdit
	byFile := make(map[*srcFile][]rawEdit)
	for _, f := range fixes {
		if f.dropped {
			continue
		}
		if conflicts(byFile, f.raw) {
			f.dropped = true
			continue
		}
		for _, e := range f.raw {
			if !e.placeholder() {
				byFile[e.file] = appendUnique(byFile[e.file], e)
			}
			all = append(all, e)
		}
	}
	return pl.apply(pl.expandImports(all))
}

// apply writes edits into their files, formatting each result when the file
// was gofmt-clean before. It returns the new text of each changed file, or
// the first file whose result does not parse (or format).
func (pl *Planner) apply(edits []rawEdit) (map[*srcFile][]byte, *srcFile) {
	byFile := make(map[*srcFile][]rawEdit)
	for _, e := range edits {
		byFile[e.file] = append(byFile[e.file], e)
	}
	results := make(map[*srcFile][]byte)
	for _, sf := range pl.sortedFiles() {
		edits, ok := byFile[sf]
		if !ok {
			continue
		}
		sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
		var out bytes.Buffer
		last := 0
		for _, e := range edits {
			if e.start < last {
				return nil, sf // overlapping edits: a planning error
			}
			out.Write(sf.src[last:e.start])
			out.WriteString(e.text)
			last = e.end
		}
		out.Write(sf.src[last:])
		text := out.Bytes()
		if sf.gofmtClean() {
			formatted, err := format.Source(text)
			if err != nil {
				return nil, sf
			}
			text = formatted
		} else if _, err := parser.ParseFile(token.NewFileSet(), sf.name, text, parser.SkipObjectResolution); err != nil {
			return nil, sf
		}
		if crlf(sf.src) {
			text = toCRLF(text)
		}
		results[sf] = text
	}
	return results, nil
}

// crlf reports whether every line of src ends in CRLF, as in a file
// checked out on Windows: the fixes' new lines must end in CRLF too.
func crlf(src []byte) bool {
	n := bytes.Count(src, []byte("\n"))
	return n > 0 && bytes.Count(src, []byte("\r\n")) == n
}

// toCRLF ends every line of text that ends in a bare LF in CRLF.
func toCRLF(text []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// conflicts reports whether any of edits overlaps, without being
// identical to, an edit already planned for its file.
func conflicts(byFile map[*srcFile][]rawEdit, edits []rawEdit) bool {
	for _, e := range edits {
		for _, o := range byFile[e.file] {
			if o == e {
				continue
			}
			if e.start < o.end && o.start < e.end {
				return true
			}
			if e.start == e.end && o.start == o.end && e.start == o.start {
				continue // two insertions at one place: both, in order
			}
			if (e.start == e.end && o.start < e.start && e.start < o.end) || (o.start == o.end && e.start < o.start && o.start < e.end) {
				return true
			}
		}
	}
	return false
}

func appendUnique(edits []rawEdit, e rawEdit) []rawEdit {
	for _, o := range edits {
		if o == e {
			return edits
		}
	}
	return append(edits, e)
}

// typeCheck type-checks the package with its changed files and returns the
// first file with an error, or nil. Imports resolve to the packages the
// original already depends on, directly or not; the fixes only add imports
// of packages net/http itself imports.
func (pl *Planner) typeCheck(results map[*srcFile][]byte) (*srcFile, []unusedImport) {
	if len(results) == 0 {
		return nil, nil
	}
	// Unchanged files are checked as they were parsed; only the changed
	// ones are parsed again, into the same file set.
	fset := pl.pass.Fset
	var files []*ast.File
	names := make(map[string]*srcFile)
	for _, f := range pl.pass.Files {
		sf := pl.fileOf(f.FileStart)
		names[sf.name] = sf
		text, changed := results[sf]
		if !changed {
			files = append(files, f)
			continue
		}
		parsed, err := parser.ParseFile(fset, sf.name, text, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return sf, nil
		}
		files = append(files, parsed)
	}
	// An import path in the source may name a vendored package
	// ("golang.org/x/net/..." is "vendor/golang.org/x/net/..." in the
	// standard library): resolve the package's own imports as it did.
	deps := make(map[string]*types.Package)
	for _, f := range pl.pass.Files {
		for _, spec := range f.Imports {
			if pn := pl.pass.TypesInfo.PkgNameOf(spec); pn != nil {
				if p, err := strconv.Unquote(spec.Path.Value); err == nil {
					deps[p] = pn.Imported()
				}
			}
		}
	}
	// Other paths (an import a fix adds) resolve to a package the
	// original depends on indirectly, found breadth first and only as far
	// as needed: walking the whole closure of every package with a fix
	// was a sixth of the fixer's time on a large module.
	queue := []*types.Package{pl.pass.Pkg}
	queued := map[*types.Package]bool{pl.pass.Pkg: true}
	dep := func(path string) *types.Package {
		for deps[path] == nil && len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, imp := range p.Imports() {
				if !queued[imp] {
					queued[imp] = true
					queue = append(queue, imp)
				}
				if _, ok := deps[imp.Path()]; !ok {
					deps[imp.Path()] = imp
				}
			}
		}
		return deps[path]
	}
	var errs []types.Error
	var other error
	conf := types.Config{
		GoVersion:   pl.pass.Pkg.GoVersion(),
		Sizes:       pl.pass.TypesSizes,
		FakeImportC: true,
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if p := dep(path); p != nil && p.Complete() && p.Name() != "" {
				return p, nil
			}
			// A driver that loads from export data (go vet, go fix)
			// knows only what the export data mentions of packages
			// imported indirectly; the standard library's own export
			// data fills the gap.
			if p := pl.namedClientPackage(path, dep("net/http")); p != nil {
				return p, nil
			}
			if p := dep(path); p != nil && path == "time" {
				// net/http's fields are of this package's Duration:
				// another copy of package time would not match it.
				return timeStandIn(p), nil
			}
			fallbackMu.Lock()
			defer fallbackMu.Unlock()
			if p, err := fallbackImporter.Import(path); err == nil {
				return p, nil
			}
			return stdStandIn(path)
		}),
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				errs = append(errs, te)
			} else if other == nil {
				other = err
			}
		},
	}
	_, _ = conf.Check(pl.pass.Pkg.Path(), fset, files, nil)
	if len(errs) == 0 && other == nil {
		return nil, nil
	}
	// "imported and not used" of an import the file had: the fixes
	// took away its last use, and they can take the import away too.
	var unused []unusedImport
	for _, te := range errs {
		sf := names[te.Fset.Position(te.Pos).Filename]
		if _, changed := results[sf]; sf == nil || !changed {
			unused = nil
			break
		}
		path, ok := unusedImportPath(te.Msg)
		if !ok || !sf.importsPath(path) {
			unused = nil
			break
		}
		unused = append(unused, unusedImport{sf, path})
	}
	if other == nil && len(unused) == len(errs) {
		return nil, unused
	}
	if len(errs) > 0 {
		if sf := names[errs[0].Fset.Position(errs[0].Pos).Filename]; sf != nil {
			return sf, nil
		}
	}
	// An error outside the changed files: blame the first changed one.
	for _, sf := range pl.sortedFiles() {
		if _, changed := results[sf]; changed {
			return sf, nil
		}
	}
	return pl.sortedFiles()[0], nil // unreachable: results is not empty
}

// unusedImport is an import of path in file that the fixes left unused.
type unusedImport struct {
	file *srcFile
	path string
}

// unusedImportPath returns the path in go/types' message for an unused
// import: `"net/http" imported and not used` or `"x" imported as y and not
// used`.
func unusedImportPath(msg string) (string, bool) {
	if !strings.HasSuffix(msg, " and not used") || !strings.HasPrefix(msg, `"`) {
		return "", false
	}
	end := strings.Index(msg[1:], `"`)
	if end < 0 {
		return "", false
	}
	return msg[1 : 1+end], true
}

// importsPath reports whether the file as it was imports path.
func (sf *srcFile) importsPath(path string) bool {
	for _, spec := range sf.ast.Imports {
		if p, _ := strconv.Unquote(spec.Path.Value); p == path {
			return true
		}
	}
	return false
}

// removeUnused gives the removal of each unused import to the fixes that
// removed its uses in that file, and ties them together: only applied
// together do they leave the import unused. It reports false when no fix
// is to blame, or when the removal was already planned.
func (pl *Planner) removeUnused(unused []unusedImport) bool {
	for _, u := range unused {
		var blamed []*Fix
		for _, id := range u.file.usesOf(pl.pass.TypesInfo, u.path) {
			start, end := u.file.off(id.Pos()), u.file.off(id.End())
			for _, f := range pl.live() {
				for _, e := range f.raw {
					if e.file == u.file && !e.placeholder() && e.start <= start && end <= e.end && !slices.Contains(blamed, f) {
						blamed = append(blamed, f)
					}
				}
			}
		}
		if len(blamed) == 0 {
			return false
		}
		removal := importPlaceholder(u.file, u.path, false)
		for _, f := range blamed {
			if slices.Contains(f.raw, removal) {
				return false
			}
			f.raw = append(f.raw, removal)
		}
		pl.joined = append(pl.joined, blamed)
	}
	return true
}

// usesOf returns the identifiers of sf that refer to its import of path.
func (sf *srcFile) usesOf(info *types.Info, path string) []*ast.Ident {
	var out []*ast.Ident
	ast.Inspect(sf.ast, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if pn, ok := info.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == path {
				out = append(out, id)
			}
		}
		return true
	})
	return out
}

var (
	fallbackMu       sync.Mutex
	fallbackImporter = importer.Default()
)

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) {
	p, err := f(path)
	if p == nil && err == nil {
		err = errorf("package %s not among the package's dependencies", path)
	}
	return p, err
}

// isolate gives every fix edits of its own: the hunks of the package as
// that fix alone rewrites it, with the declarations and imports it needs.
// Drivers may apply any subset of a package's fixes (golangci-lint leaves
// out the ones a //nolint or --new-from-rev filters; go fix skips one that
// conflicts), so each fix must compile alone and with any others. Fixes
// whose hunks overlap or start at one place, or that only together leave an
// import unused, are joined into a group whose members all carry the
// group's hunks. It reports false when the groups' hunks together do not
// give the combined result.
func (pl *Planner) isolate(results map[*srcFile][]byte) bool {
	fixes := pl.live()
	index := make(map[*Fix]int)
	for i, f := range fixes {
		index[f] = i
	}
	parent := make([]int, len(fixes))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(i, j int) bool {
		ri, rj := find(i), find(j)
		if ri == rj {
			return false
		}
		parent[rj] = ri
		return true
	}
	for _, g := range pl.joined {
		for _, f := range g[1:] {
			if i, ok := index[f]; ok {
				if j, ok := index[g[0]]; ok {
					union(j, i)
				}
			}
		}
	}
	for round := 0; round <= len(fixes); round++ {
		groups := make(map[int][]*Fix)
		var roots []int
		for i, f := range fixes {
			r := find(i)
			if groups[r] == nil {
				roots = append(roots, r)
			}
			groups[r] = append(groups[r], f)
		}
		type owned struct {
			root int
			h    Hunk
		}
		hunks := make(map[int]map[*srcFile][]Hunk)
		byFile := make(map[*srcFile][]owned)
		for _, r := range roots {
			var edits []rawEdit
			for _, f := range groups[r] {
				edits = append(edits, f.raw...)
			}
			texts, bad := pl.apply(pl.expandImports(edits))
			if bad != nil {
				return false
			}
			hunks[r] = make(map[*srcFile][]Hunk)
			for sf, text := range texts {
				for _, h := range Diff(sf.src, text) {
					hunks[r][sf] = append(hunks[r][sf], h)
					byFile[sf] = append(byFile[sf], owned{r, h})
				}
			}
		}
		joined := false
		for _, hs := range byFile {
			for i := range hs {
				for j := i + 1; j < len(hs); j++ {
					a, b := hs[i], hs[j]
					if a.root == b.root || sameHunk(a.h, b.h) {
						continue
					}
					if a.h.Start == b.h.Start || (a.h.Start < b.h.End && b.h.Start < a.h.End) {
						joined = union(a.root, b.root) || joined
					}
				}
			}
		}
		if !joined {
			// Together, the groups must give what was type-checked.
			for sf, hs := range byFile {
				var unique []Hunk
				for _, o := range hs {
					if !slices.ContainsFunc(unique, func(h Hunk) bool { return sameHunk(h, o.h) }) {
						unique = append(unique, o.h)
					}
				}
				if !bytes.Equal(applyHunks(sf.src, unique), results[sf]) {
					for _, o := range hs[1:] {
						joined = union(hs[0].root, o.root) || joined
					}
				}
			}
		}
		if !joined {
			for _, r := range roots {
				for _, f := range groups[r] {
					f.Edits = nil
					for _, sf := range pl.sortedFiles() {
						for _, h := range hunks[r][sf] {
							f.Edits = append(f.Edits, editOf(sf, h))
						}
					}
					f.group = len(groups[r])
				}
			}
			pl.singleFile()
			return true
		}
	}
	return false
}

// shareAll gives every fix all the hunks of the combined result: applying
// any one of them applies them all. The fallback when the fixes cannot be
// isolated.
func (pl *Planner) shareAll(results map[*srcFile][]byte) {
	var edits []analysis.TextEdit
	for _, sf := range pl.sortedFiles() {
		if text, ok := results[sf]; ok {
			for _, h := range Diff(sf.src, text) {
				edits = append(edits, editOf(sf, h))
			}
		}
	}
	fixes := pl.live()
	for _, f := range fixes {
		f.Edits = edits
		f.group = len(fixes)
	}
	pl.singleFile()
}

// singleFile withdraws, for drivers that apply a fix only in the file of
// its diagnostic (golangci-lint), every fix with edits in another file: it
// would be applied without the declaration it needs. The fix whose own file
// holds the declaration adds it; a second run then fixes the rest.
func (pl *Planner) singleFile() {
	if !pl.opts.SingleFile {
		return
	}
	for _, f := range pl.fixes {
		for _, e := range f.Edits {
			if pl.pass.Fset.File(e.Pos) != f.file.tf {
				f.Edits = nil
				f.Reason = "no fix in this run: it needs a declaration in " + filepath.Base(pl.pass.Fset.File(e.Pos).Name()) + ", which this driver edits only with that file's own fixes; run the fixes again once that file is fixed"
				break
			}
		}
	}
}

func sameHunk(a, b Hunk) bool { return a.Start == b.Start && a.End == b.End && a.New == b.New }

// applyHunks applies non-overlapping hunks, sorted or not, to src.
func applyHunks(src []byte, hunks []Hunk) []byte {
	sorted := slices.Clone(hunks)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	var out bytes.Buffer
	last := 0
	for _, h := range sorted {
		if h.Start < last {
			return nil
		}
		out.Write(src[last:h.Start])
		out.WriteString(h.New)
		last = h.End
	}
	out.Write(src[last:])
	return out.Bytes()
}

// namedClientPackage stands in for the package of the -client option, or
// for the module's shared package, when the package being fixed does not
// import it yet (the shared one may not exist yet): it declares just what
// the fixes use, with the types promised.
func (pl *Planner) namedClientPackage(path string, nethttp *types.Package) *types.Package {
	if nethttp == nil {
		return nil
	}
	client, ok := nethttp.Scope().Lookup("Client").(*types.TypeName)
	if !ok {
		return nil
	}
	pkg := types.NewPackage(path, path[strings.LastIndexByte(path, '/')+1:])
	cpath, name := splitClient(pl.opts.Client)
	switch path {
	case cpath:
		pkg.Scope().Insert(types.NewVar(token.NoPos, pkg, name, types.NewPointer(client.Type())))
	case pl.opts.Shared:
		pkg.Scope().Insert(types.NewVar(token.NoPos, pkg, SharedClient, types.NewPointer(client.Type())))
		// Response.Body's type is io.ReadCloser, whatever the driver
		// knows of package io.
		resp, ok := nethttp.Scope().Lookup("Response").(*types.TypeName)
		if !ok {
			return nil
		}
		st, ok := resp.Type().Underlying().(*types.Struct)
		if !ok {
			return nil
		}
		for i := 0; i < st.NumFields(); i++ {
			if f := st.Field(i); f.Name() == "Body" {
				param := types.NewParam(token.NoPos, pkg, "body", f.Type())
				sig := types.NewSignatureType(nil, nil, nil, types.NewTuple(param), nil, false)
				pkg.Scope().Insert(types.NewFunc(token.NoPos, pkg, SharedDrain, sig))
			}
		}
	default:
		return nil
	}
	pkg.MarkComplete()
	return pkg
}

// timeStandIn stands in for package time in a driver that loads from
// export data (go vet, go fix), which knows of it only what net/http's
// export data mentions: Duration, but not the constants the fixes write,
// such as time.Second. Another copy of the package would have another
// Duration, which net/http's fields would not accept; the stand-in holds
// the objects known (the same Duration) and the unit constants of that
// type, and is complete, as go/types requires of an import.
func timeStandIn(p *types.Package) *types.Package {
	tn, ok := p.Scope().Lookup("Duration").(*types.TypeName)
	if !ok {
		return p
	}
	out := types.NewPackage("time", "time")
	for _, name := range p.Scope().Names() {
		out.Scope().Insert(p.Scope().Lookup(name))
	}
	units := []struct {
		name string
		ns   int64
	}{
		{"Nanosecond", 1}, {"Microsecond", 1e3}, {"Millisecond", 1e6},
		{"Second", 1e9}, {"Minute", 60e9}, {"Hour", 3600e9},
	}
	for _, u := range units {
		if out.Scope().Lookup(u.name) == nil {
			out.Scope().Insert(types.NewConst(token.NoPos, out, u.name, tn.Type(), constant.MakeInt64(u.ns)))
		}
	}
	out.MarkComplete()
	return out
}

// stdStandIn is the last resort for an import the fixes add and the driver
// cannot resolve: none is known.
func stdStandIn(path string) (*types.Package, error) {
	return nil, fmt.Errorf("package %s not among the package's dependencies", path)
}
