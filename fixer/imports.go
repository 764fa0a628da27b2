package fixer

import (
	"go/ast"
	"go/token"
	"slices"
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
		return name, []rawEdit{importPlaceholder(sf, path, true)}
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
	return name, []rawEdit{importPlaceholder(sf, path, true)}
}

// importPlaceholder stands for adding (or, with add false, removing) the
// import of path in sf. The import edits of a file are written only once
// it is known which fixes are applied together (expandImports): the new
// imports of a file go in together, so that a single import line can
// become a block, and a removal never collides with an insertion.
func importPlaceholder(sf *srcFile, path string, add bool) rawEdit {
	op := "-"
	if add {
		op = "+"
	}
	return rawEdit{file: sf, start: -1, end: -1, text: op + path}
}

func (e rawEdit) placeholder() bool { return e.start < 0 }

// expandImports replaces the import placeholders among edits with the
// import edits of their files: every import added or removed in a file by
// any of the edits, written as one set.
func (pl *Planner) expandImports(edits []rawEdit) []rawEdit {
	type change struct {
		add    []string
		remove map[string]bool
	}
	changes := make(map[*srcFile]*change)
	var order []*srcFile
	var out []rawEdit
	for _, e := range edits {
		if !e.placeholder() {
			out = appendUnique(out, e)
			continue
		}
		c := changes[e.file]
		if c == nil {
			c = &change{remove: make(map[string]bool)}
			changes[e.file] = c
			order = append(order, e.file)
		}
		path := e.text[1:]
		if e.text[0] == '-' {
			c.remove[path] = true
		} else if !slices.Contains(c.add, path) {
			c.add = append(c.add, path)
		}
	}
	for _, sf := range order {
		c := changes[sf]
		sort.Strings(c.add)
		for _, ie := range pl.importEdits(sf, c.add, c.remove) {
			out = appendUnique(out, ie)
		}
	}
	return out
}

// importEdits adds the imports of paths to sf and removes those of remove.
// A lone `import "x"` line becomes a block, as goimports would write it;
// otherwise each import goes next to the standard-library imports already
// there.
func (pl *Planner) importEdits(sf *srcFile, paths []string, remove map[string]bool) []rawEdit {
	var decls []*ast.GenDecl
	for _, decl := range sf.ast.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			decls = append(decls, gd)
		}
	}
	var out []rawEdit
	if len(decls) == 1 && !decls[0].Lparen.IsValid() && len(decls[0].Specs) == 1 {
		old := decls[0].Specs[0].(*ast.ImportSpec)
		oldPath, _ := strconv.Unquote(old.Path.Value)
		specs := map[string]string{}
		var keys []string
		if !remove[oldPath] {
			specs[oldPath] = sf.text(old)
			keys = append(keys, oldPath)
		}
		for _, p := range paths {
			specs[p] = specText(p, sf.imports[p])
			keys = append(keys, p)
		}
		// The standard library first, then a blank line and the rest,
		// as goimports groups them.
		sort.Slice(keys, func(i, j int) bool {
			if isStd(keys[i]) != isStd(keys[j]) {
				return isStd(keys[i])
			}
			return keys[i] < keys[j]
		})
		var b strings.Builder
		switch len(keys) {
		case 0:
			return []rawEdit{sf.wholeLines(sf.off(decls[0].Pos()), sf.off(decls[0].End()))}
		case 1:
			b.WriteString("import " + specs[keys[0]])
		default:
			b.WriteString("import (")
			for i, k := range keys {
				if i > 0 && isStd(keys[i-1]) && !isStd(k) {
					b.WriteString("\n")
				}
				b.WriteString("\n\t" + specs[k])
			}
			b.WriteString("\n)")
		}
		return []rawEdit{{file: sf, start: sf.off(decls[0].Pos()), end: sf.off(decls[0].End()), text: b.String()}}
	}
	for _, gd := range decls {
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			if p, _ := strconv.Unquote(is.Path.Value); remove[p] {
				if len(gd.Specs) == 1 {
					out = append(out, sf.wholeLines(sf.off(gd.Pos()), sf.off(gd.End())))
				} else {
					out = append(out, sf.wholeLines(sf.off(is.Pos()), sf.off(is.End())))
				}
			}
		}
	}
	for _, p := range paths {
		e := pl.importEdit(sf, p, sf.imports[p], remove)
		merged := false
		for i := range out {
			if out[i].start == e.start && out[i].end == e.end && out[i].start == out[i].end {
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
func (pl *Planner) importEdit(sf *srcFile, path, name string, remove map[string]bool) rawEdit {
	spec := specText(path, name)
	if !isStd(path) {
		if e, ok := moduleImportEdit(sf, path, spec, remove); ok {
			return e
		}
	}
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
			if remove[p] {
				continue // its line goes: no anchor
			}
			if p == "C" || !isStd(p) {
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

// isStd reports whether path is a standard-library import path: its first
// element has no dot.
func isStd(path string) bool {
	return !strings.Contains(strings.Split(path, "/")[0], ".")
}

// moduleImportEdit inserts the import of a non-standard path (the module's
// shared package, a -client package) among the file's other non-standard
// imports, in sorted place, or as a group of its own after the last
// standard-library import of a parenthesised block, as goimports would.
func moduleImportEdit(sf *srcFile, path, spec string, remove map[string]bool) (rawEdit, bool) {
	var before, after, lastStd *ast.ImportSpec
	var block *ast.GenDecl
	for _, decl := range sf.ast.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || !gd.Lparen.IsValid() {
			continue
		}
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			p, _ := strconv.Unquote(is.Path.Value)
			switch {
			case remove[p] || p == "C":
			case isStd(p):
				if block == nil || block == gd {
					block, lastStd = gd, is
				}
			case p < path:
				before = is
			case after == nil:
				after = is
			}
		}
	}
	switch {
	case before != nil:
		at := sf.lineEnd(sf.off(before.End()))
		return rawEdit{file: sf, start: at, end: at, text: "\n\t" + spec}, true
	case after != nil:
		at := sf.lineStart(sf.off(after.Pos()))
		return rawEdit{file: sf, start: at, end: at, text: "\t" + spec + "\n"}, true
	case lastStd != nil:
		at := sf.lineEnd(sf.off(lastStd.End()))
		return rawEdit{file: sf, start: at, end: at, text: "\n\n\t" + spec}, true
	}
	return rawEdit{}, false
}
