package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sync"

	"golang.org/x/tools/go/packages"
)

// verify type-checks, in memory, every loaded package variant that the
// changes touch, with the changed files' new contents: the fixer checked
// each package variant's own plan, but the command merges the plans of a
// package and its test variants, and a merge that does not compile must
// never be written. It returns the variants that fail, with the first
// error of each. shared are the module packages the fixes may import that
// do not exist yet, by import path, with their source.
func verify(loaded [][]*packages.Package, content map[string][]byte, shared map[string][][]byte) map[*packages.Package]error {
	failed := make(map[*packages.Package]error)
	for _, group := range loaded {
		for _, p := range group {
			touched := false
			for _, name := range p.CompiledGoFiles {
				if _, ok := content[name]; ok {
					touched = true
				}
			}
			if !touched || len(p.Syntax) != len(p.CompiledGoFiles) {
				continue
			}
			if err := typeCheck(p, content, shared); err != nil {
				failed[p] = err
			}
		}
	}
	return failed
}

var (
	fallbackMu sync.Mutex
	fallback   = importer.Default()
)

func typeCheck(p *packages.Package, content map[string][]byte, shared map[string][][]byte) error {
	fset := p.Fset
	files := make([]*ast.File, len(p.CompiledGoFiles))
	for i, name := range p.CompiledGoFiles {
		src, ok := content[name]
		if !ok {
			files[i] = p.Syntax[i]
			continue
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files[i] = f
	}
	deps := make(map[string]*types.Package)
	var walk func(*types.Package)
	walk = func(t *types.Package) {
		for _, imp := range t.Imports() {
			if deps[imp.Path()] == nil {
				deps[imp.Path()] = imp
				walk(imp)
			}
		}
	}
	walk(p.Types)
	// Import paths as the source writes them (vendored packages of the
	// standard library are "vendor/..." in their Path).
	for path, ip := range p.Imports {
		if ip.Types != nil {
			deps[path] = ip.Types
		}
	}
	var imp types.Importer
	imp = importerFunc(func(path string) (*types.Package, error) {
		if t := deps[path]; t != nil && t.Complete() {
			return t, nil
		}
		if src, ok := shared[path]; ok {
			t, err := checkShared(path, src, imp)
			if err != nil {
				return nil, fmt.Errorf("the shared package %s does not compile: %w", path, err)
			}
			deps[path] = t
			return t, nil
		}
		fallbackMu.Lock()
		defer fallbackMu.Unlock()
		return fallback.Import(path)
	})
	var first error
	conf := types.Config{
		GoVersion:   p.Types.GoVersion(),
		Sizes:       p.TypesSizes,
		FakeImportC: true,
		Importer:    imp,
		Error: func(err error) {
			if first == nil {
				first = err
			}
		},
	}
	_, _ = conf.Check(p.PkgPath, fset, files, nil)
	var te types.Error
	if errors.As(first, &te) {
		return fmt.Errorf("%s: %s", te.Fset.Position(te.Pos), te.Msg)
	}
	return first
}

func checkShared(path string, srcs [][]byte, imp types.Importer) (*types.Package, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for i, src := range srcs {
		f, err := parser.ParseFile(fset, fmt.Sprintf("%s/%d.go", path, i), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: imp}
	return conf.Check(path, fset, files, nil)
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
