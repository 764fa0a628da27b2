package main

import (
	"fmt"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// posKey identifies a finding across the two runs of a fix: the first
// reports, the second plans the fixes of the findings kept, and its
// messages may say more (why a fix was withdrawn).
type posKey struct {
	path      string
	line, col int
	id        string
}

func (f *finding) posKey() posKey { return posKey{f.path, f.line, f.col, f.id} }

// notWritable says why the fix of f will not be written, or "" if it may
// be: only files of the main module below the working directory that the
// user can write are ever changed (-w ./... would otherwise reach GOROOT or
// the module cache).
func notWritable(f *finding, cwd string, fixTests bool) string {
	if !fixTests && strings.HasSuffix(f.path, "_test.go") {
		return "no fix: -fix-tests=false leaves test files alone"
	}
	for _, p := range f.pkgs {
		if dependency(p) {
			return "no fix: the file belongs to a dependency module"
		}
	}
	if !within(cwd, f.path) {
		return "no fix: the file lies outside the working directory"
	}
	info, err := os.Stat(f.path)
	if err != nil {
		return "no fix: " + err.Error()
	}
	if info.Mode().Perm()&0o200 == 0 {
		return noFixReadOnly
	}
	return ""
}

const noFixReadOnly = "no fix: the file is read-only"

// planFixes runs the analyzer a second time on the packages that hold the
// findings to fix, planning fixes for exactly those (opts.FixOnly), so that
// shared edits (a client declaration, a helper, an import) are planned for
// the findings that will be written and no other. It sets the fix of each
// finding and returns the module shared packages the fixes may import.
func planFixes(res *result, opts analyzer.Options, sharedDir string, fixTests bool) (map[string]*sharedPkg, []string, error) {
	cwd := res.cwd
	targets := make(map[posKey]*finding)
	for _, f := range res.findings {
		f.fix = nil
		if f.noFix = notWritable(f, cwd, fixTests); f.noFix == "" {
			targets[f.posKey()] = f
		}
	}
	if len(targets) == 0 {
		return nil, nil, nil
	}
	// Every variant of a package that holds a finding (the package, its
	// test variant, its external test package) is planned again, so that
	// the shared declarations they choose agree.
	dirs := make(map[string]bool)
	for _, f := range targets {
		dirs[filepath.Dir(f.path)] = true
	}
	shared, notes := chooseShared(res, targets, sharedDir)
	fo := opts
	fo.NoFixEdits = false
	fo.FixOnly = func(pos token.Position, id string) bool {
		return targets[posKey{pos.Filename, pos.Line, pos.Column, id}] != nil
	}
	fo.SharedPackage = func(module string) string {
		if s := shared[module]; s != nil {
			return s.path
		}
		return ""
	}
	if err := replan(res, fo, dirs, targets, &notes); err != nil {
		return nil, nil, err
	}
	// A new shared package that only one package's fixes ended up using
	// (the others have a client of their own, or no fix) is not worth a
	// package: plan that one again with its own declarations.
	again := make(map[string]bool)
	for module, s := range shared {
		if s.exists {
			continue
		}
		users := make(map[string]bool)
		for _, f := range targets {
			for _, e := range f.fix {
				if importsShared([]byte(e.text), s.path) {
					users[filepath.Dir(f.path)] = true
				}
			}
		}
		if len(users) < 2 {
			delete(shared, module)
			for d := range users {
				again[d] = true
			}
		}
	}
	if len(again) > 0 {
		for _, f := range targets {
			if again[filepath.Dir(f.path)] {
				f.fix = nil
			}
		}
		if err := replan(res, fo, again, targets, &notes); err != nil {
			return nil, nil, err
		}
	}
	return shared, notes, nil
}

// replan runs the analyzer with options fo on the loaded packages in dirs
// and takes the fixes (and messages) of the targets from it.
func replan(res *result, fo analyzer.Options, dirs map[string]bool, targets map[posKey]*finding, notes *[]string) error {
	a, err := analyzer.New(fo)
	if err != nil {
		return err
	}
	seen := make(map[key]*finding)
	for _, group := range res.loaded {
		var roots []*packages.Package
		for _, p := range group {
			if dirs[packageDir(p)] {
				roots = append(roots, p)
			}
		}
		if len(roots) == 0 {
			continue
		}
		found, errs, err := runOn(a, roots, res.cwd, seen)
		if err != nil {
			return err
		}
		*notes = append(*notes, errs...)
		for _, g := range found {
			if f := targets[g.posKey()]; f != nil {
				f.msg, f.fix = g.msg, g.fix
			}
		}
	}
	return nil
}

// packageDir is the directory of p's files.
func packageDir(p *packages.Package) string {
	for _, names := range [][]string{p.GoFiles, p.CompiledGoFiles, p.OtherFiles} {
		if len(names) > 0 {
			return filepath.Dir(names[0])
		}
	}
	return ""
}

// sharedPkg is a module's package of shared declarations (fixer.SharedPackageSource).
type sharedPkg struct {
	path      string // import path
	dir       string
	file      string // the file -w writes, when it does not exist yet
	exists    bool
	goVersion string // the module's go line
}

// needsShared lists the checks whose fixes use a shared client or the
// drain helper.
var needsShared = map[string]bool{"KA1001": true, "KA1004": true, "KA1005": true}

// chooseShared picks, for each main module below the working directory, the
// package that holds the client and the drain helper its fixes share: the
// existing one, or a new one when the fixes of two or more packages need it
// (one package keeps its declarations to itself, as go fix would). A
// directory of that name that holds something else turns it off for the
// module, with a note.
func chooseShared(res *result, targets map[posKey]*finding, rel string) (map[string]*sharedPkg, []string) {
	if rel == "" {
		return nil, nil
	}
	type module struct {
		*packages.Module
		dirs map[string]bool
	}
	modules := make(map[string]*module)
	for _, f := range targets {
		for _, p := range f.pkgs {
			m := p.Module
			if m == nil || !m.Main || m.Dir == "" || m.Path == "std" || m.Path == "cmd" || !within(res.cwd, m.Dir) {
				continue
			}
			mod := modules[m.Path]
			if mod == nil {
				mod = &module{m, make(map[string]bool)}
				modules[m.Path] = mod
			}
			if needsShared[f.id] {
				mod.dirs[filepath.Dir(f.path)] = true
			}
		}
	}
	out := make(map[string]*sharedPkg)
	var notes []string
	var paths []string
	for path := range modules {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		m := modules[path]
		s := &sharedPkg{
			path:      m.Path + "/" + filepath.ToSlash(rel),
			dir:       filepath.Join(m.Dir, rel),
			goVersion: m.GoVersion,
		}
		s.file = filepath.Join(s.dir, filepath.Base(rel)+".go")
		switch ok, err := declaresShared(s.dir); {
		case err != nil:
			notes = append(notes, fmt.Sprintf("%s: %v; each package gets its own client and helper", relPath(res.cwd, s.dir), err))
			continue
		case ok:
			s.exists = true
		case len(m.dirs) < 2:
			continue
		}
		delete(m.dirs, s.dir) // the shared package itself declares its own
		out[path] = s
	}
	return out, notes
}

// declaresShared reports whether dir holds a package declaring the shared
// client and drain helper; an error when it holds some other package.
func declaresShared(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var client, drain, gofiles bool
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		gofiles = true
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return false, err
		}
		for _, line := range strings.Split(string(src), "\n") {
			client = client || strings.HasPrefix(line, "var Client ")
			drain = drain || strings.HasPrefix(line, "func DrainAndClose(")
		}
	}
	if !gofiles {
		return false, nil
	}
	if !client || !drain {
		return false, fmt.Errorf("a package there does not declare Client and DrainAndClose")
	}
	return true, nil
}

// importsShared reports whether src imports the package at path.
func importsShared(src []byte, path string) bool {
	return strings.Contains(string(src), strconv.Quote(path))
}

// checkSharedDir validates -shared: a relative, clean, slash-separated
// directory whose last element is a package name.
func checkSharedDir(dir string) error {
	switch {
	case filepath.IsAbs(dir) || strings.HasPrefix(dir, "../") || dir == "..":
		return fmt.Errorf("must be relative to the module root")
	case path.Clean(dir) != dir || dir == ".":
		return fmt.Errorf("must be a clean path such as internal/keepalive")
	}
	name := path.Base(dir)
	if !token.IsIdentifier(name) || name == "main" {
		return fmt.Errorf("%q is not a package name", name)
	}
	return nil
}
