package fixer

import (
	"bytes"
	"errors"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// finish applies every surviving fix to the package at once, formats and
// type-checks the result, and gives each fix the hunks of the result that
// its edits produced. A file whose result would not parse, format or
// type-check loses its fixes, and the rest is tried again.
//
// Because all fixes come from one combined result, the hunks never
// overlap, and two fixes that touch the same lines carry the same hunk:
// every driver (this command, go fix, golangci-lint) merges identical
// edits, so applying all fixes gives the same file whichever applies them.
func (pl *Planner) finish() {
	for attempt := 0; attempt < 4; attempt++ {
		results, bad := pl.combine()
		if bad == nil {
			bad = pl.typeCheck(results)
		}
		if bad == nil {
			pl.assignHunks(results)
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

// combine applies the raw edits of the surviving fixes file by file. It
// returns the new text of each changed file, or the first file whose
// result does not parse. Fixes whose edits overlap another's are dropped.
func (pl *Planner) combine() (map[*srcFile][]byte, *srcFile) {
	byFile := make(map[*srcFile][]rawEdit)
	for _, f := range pl.fixes {
		if f.dropped || len(f.raw) == 0 {
			continue
		}
		if conflicts(byFile, f.raw) {
			f.dropped = true
			continue
		}
		for _, e := range f.raw {
			byFile[e.file] = appendUnique(byFile[e.file], e)
		}
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
func (pl *Planner) typeCheck(results map[*srcFile][]byte) *srcFile {
	if len(results) == 0 {
		return nil
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
			return sf
		}
		files = append(files, parsed)
	}
	deps := make(map[string]*types.Package)
	var walk func(*types.Package)
	walk = func(p *types.Package) {
		for _, imp := range p.Imports() {
			if deps[imp.Path()] == nil {
				deps[imp.Path()] = imp
				walk(imp)
			}
		}
	}
	walk(pl.pass.Pkg)
	// An import path in the source may name a vendored package
	// ("golang.org/x/net/..." is "vendor/golang.org/x/net/..." in the
	// standard library): resolve the package's own imports as it did.
	for _, f := range pl.pass.Files {
		for _, spec := range f.Imports {
			if pn := pl.pass.TypesInfo.PkgNameOf(spec); pn != nil {
				if p, err := strconv.Unquote(spec.Path.Value); err == nil {
					deps[p] = pn.Imported()
				}
			}
		}
	}
	var first error
	conf := types.Config{
		GoVersion:   pl.pass.Pkg.GoVersion(),
		Sizes:       pl.pass.TypesSizes,
		FakeImportC: true,
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if p := deps[path]; p != nil && p.Complete() && p.Name() != "" {
				return p, nil
			}
			// A driver that loads from export data (go vet, go fix)
			// knows only what the export data mentions of packages
			// imported indirectly; the standard library's own export
			// data fills the gap.
			if p := pl.namedClientPackage(path, deps["net/http"]); p != nil {
				return p, nil
			}
			fallbackMu.Lock()
			defer fallbackMu.Unlock()
			return fallbackImporter.Import(path)
		}),
		Error: func(err error) {
			if first == nil {
				first = err
			}
		},
	}
	_, _ = conf.Check(pl.pass.Pkg.Path(), fset, files, nil)
	if first == nil {
		return nil
	}
	var te types.Error
	if errors.As(first, &te) {
		if sf := names[te.Fset.Position(te.Pos).Filename]; sf != nil {
			return sf
		}
	}
	// An error outside the changed files: blame the first changed one.
	for _, sf := range pl.sortedFiles() {
		if _, changed := results[sf]; changed {
			return sf
		}
	}
	return pl.sortedFiles()[0] // unreachable: results is not empty
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

// assignHunks gives each fix the hunks of the combined result that hold
// its edits.
func (pl *Planner) assignHunks(results map[*srcFile][]byte) {
	for sf, text := range results {
		for _, h := range Diff(sf.src, text) {
			var owners []*Fix
			for _, f := range pl.fixes {
				if f.dropped {
					continue
				}
				for _, e := range f.raw {
					if e.file == sf && e.start <= h.End && h.Start-1 <= e.end {
						owners = append(owners, f)
						break
					}
				}
			}
			if len(owners) == 0 {
				owners = pl.nearest(sf, h)
			}
			for _, f := range owners {
				f.Edits = append(f.Edits, editOf(sf, h))
			}
		}
	}
	for _, f := range pl.fixes {
		if f.dropped {
			f.Edits = nil
			continue
		}
		sort.Slice(f.Edits, func(i, j int) bool { return f.Edits[i].Pos < f.Edits[j].Pos })
	}
}

// nearest returns the surviving fix with an edit in sf closest to h; a
// hunk gofmt produced next to an edit (a realigned neighbour) belongs to
// it.
func (pl *Planner) nearest(sf *srcFile, h Hunk) []*Fix {
	var best *Fix
	bestDist := -1
	for _, f := range pl.fixes {
		if f.dropped {
			continue
		}
		for _, e := range f.raw {
			if e.file != sf {
				continue
			}
			d := abs(e.start - h.Start)
			if bestDist < 0 || d < bestDist {
				best, bestDist = f, d
			}
		}
	}
	if best == nil {
		return nil
	}
	return []*Fix{best}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// namedClientPackage stands in for the package of the -client option when
// the package being fixed does not import it yet: it declares just the
// named variable as a *http.Client, which is what the option promises.
func (pl *Planner) namedClientPackage(path string, nethttp *types.Package) *types.Package {
	cpath, name := splitClient(pl.opts.Client)
	if cpath != path || nethttp == nil {
		return nil
	}
	client, ok := nethttp.Scope().Lookup("Client").(*types.TypeName)
	if !ok {
		return nil
	}
	pkg := types.NewPackage(path, path[strings.LastIndexByte(path, '/')+1:])
	pkg.Scope().Insert(types.NewVar(token.NoPos, pkg, name, types.NewPointer(client.Type())))
	pkg.MarkComplete()
	return pkg
}
