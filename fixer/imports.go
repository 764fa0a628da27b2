package fixer

import (
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// importAs returns the name under which sf refers to the package at path,
// and the edit that adds the import when sf lacks it. Imports are only ever
// inserted, next to the standard-library imports already there; the user's
// grouping is kept. A name taken in the file or the package gets an alias.
func (pl *Planner) importAs(sf *srcFile, path string) (string, []rawEdit) {
	for _, spec := range sf.ast.Imports {
		if p, _ := strconv.Unquote(spec.Path.Value); p == path {
			if name := importName(spec); name != "_" && name != "." {
				return name, nil
			}
		}
	}
	if name, ok := sf.imports[path]; ok {
		return name, []rawEdit{importPlaceholder(sf)}
	}
	base := path[strings.LastIndexByte(path, '/')+1:]
	name := base
	for i := 1; !pl.importNameFree(sf, name); i++ {
		name = "std" + base
		if i > 1 {
			name += strconv.Itoa(i)
		}
	}
	sf.imports[path] = name
	return name, []rawEdit{importPlaceholder(sf)}
}

// importPlaceholder stands for the import edits of sf, which are written
// once every fix has said what it imports (planImports): all new imports of
// a file go in together, so that a single import line can become a block.
func importPlaceholder(sf *srcFile) rawEdit { return rawEdit{file: sf, start: -1, end: -1} }

// planImports replaces each fix's placeholders with its files' import
// edits.
func (pl *Planner) planImports() {
	edits := make(map[*srcFile][]rawEdit)
	for _, f := range pl.fixes {
		var out []rawEdit
		for _, e := range f.raw {
			if e.start >= 0 {
				out = append(out, e)
				continue
			}
			if _, ok := edits[e.file]; !ok {
				edits[e.file] = pl.importEdits(e.file)
			}
			for _, ie := range edits[e.file] {
				out = appendUnique(out, ie)
			}
		}
		f.raw = out
	}
}

// importEdits adds the imports recorded for sf. A lone `import "x"` line
// becomes a block, as goimports would write it; otherwise each import goes
// next to the standard-library imports already there.
func (pl *Planner) importEdits(sf *srcFile) []rawEdit {
	var paths []string
	for p := range sf.imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var decls []*ast.GenDecl
	for _, decl := range sf.ast.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			decls = append(decls, gd)
		}
	}
	if len(decls) == 1 && !decls[0].Lparen.IsValid() && len(decls[0].Specs) == 1 {
		old := decls[0].Specs[0].(*ast.ImportSpec)
		oldPath, _ := strconv.Unquote(old.Path.Value)
		specs := map[string]string{oldPath: sf.text(old)}
		for _, p := range paths {
			specs[p] = specText(p, sf.imports[p])
		}
		keys := append([]string{oldPath}, paths...)
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("import (")
		for _, k := range keys {
			b.WriteString("\n\t" + specs[k])
		}
		b.WriteString("\n)")
		return []rawEdit{{file: sf, start: sf.off(decls[0].Pos()), end: sf.off(decls[0].End()), text: b.String()}}
	}
	var out []rawEdit
	for _, p := range paths {
		e := pl.importEdit(sf, p, sf.imports[p])
		merged := false
		for i := range out {
			if out[i].start == e.start && out[i].end == e.end {
				out[i].text += e.text
				merged = true
			}
		}
		if !merged {
			out = append(out, e)
		}
	}
	return out
}

func specText(path, name string) string {
	spec := strconv.Quote(path)
	if base := path[strings.LastIndexByte(path, '/')+1:]; name != base {
		spec = name + " " + spec
	}
	return spec
}

// importNameFree reports whether name can be bound by an import in sf:
// no other import, package-level object or planned declaration has it.
func (pl *Planner) importNameFree(sf *srcFile, name string) bool {
	if pl.pass.Pkg.Scope().Lookup(name) != nil || pl.claimed[name] {
		return false
	}
	for _, spec := range sf.ast.Imports {
		if importName(spec) == name {
			return false
		}
	}
	for p, n := range sf.imports {
		if n == name && p != "" {
			return false
		}
	}
	return true
}

// importEdit inserts the import of path as name into sf: after the
// standard-library import that sorts just before it, or before the first
// one, or in a new declaration after the package clause.
func (pl *Planner) importEdit(sf *srcFile, path, name string) rawEdit {
	spec := specText(path, name)
	var before, after *ast.ImportSpec
	var beforeDecl, afterDecl *ast.GenDecl
	for _, decl := range sf.ast.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			p, _ := strconv.Unquote(is.Path.Value)
			if p == "C" || strings.Contains(strings.Split(p, "/")[0], ".") {
				continue // not the standard library's group
			}
			if p < path {
				before, beforeDecl = is, gd
			} else if after == nil {
				after, afterDecl = is, gd
			}
		}
	}
	switch {
	case before != nil && beforeDecl.Lparen.IsValid():
		at := sf.lineEnd(sf.off(before.End()))
		return rawEdit{file: sf, start: at, end: at, text: "\n\t" + spec}
	case after != nil && afterDecl.Lparen.IsValid():
		at := sf.lineStart(sf.off(after.Pos()))
		return rawEdit{file: sf, start: at, end: at, text: "\t" + spec + "\n"}
	case before != nil:
		at := sf.off(beforeDecl.End())
		return rawEdit{file: sf, start: at, end: at, text: "\nimport " + spec}
	case after != nil:
		at := sf.off(afterDecl.Pos())
		return rawEdit{file: sf, start: at, end: at, text: "import " + spec + "\n"}
	}
	for _, decl := range sf.ast.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && gd.Lparen.IsValid() {
			at := sf.off(gd.Lparen) + 1
			return rawEdit{file: sf, start: at, end: at, text: "\n\t" + spec}
		}
	}
	at := sf.off(sf.ast.Name.End())
	return rawEdit{file: sf, start: at, end: at, text: "\n\nimport " + spec}
}
