package plugin_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// moduleProxy writes a module proxy directory (the layout GOPROXY=file://
// serves) holding the module at root as version: what a tag of this
// checkout would hold, the files git tracks or would track (not ignored),
// as they are in the work tree. It returns the proxy's file:// URL.
//
// Serving the checkout under a version lets the test consume the plugin as
// users do, by module path and version in .custom-gcl.yml, without a
// published tag.
func moduleProxy(t *testing.T, root, modPath, version string) string {
	t.Helper()
	list := run(t, root, nil, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	var files []modzip.File
	for _, name := range strings.Split(strings.TrimRight(list, "\x00"), "\x00") {
		info, err := os.Lstat(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			continue // deleted in the work tree
		}
		files = append(files, workFile{root: root, name: name, info: info})
	}

	dir := t.TempDir()
	escaped, err := module.EscapePath(modPath)
	if err != nil {
		t.Fatal(err)
	}
	at := filepath.Join(dir, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(at, 0o777); err != nil {
		t.Fatal(err)
	}
	// Create leaves out what a module zip must not hold: nested modules
	// (testdata/example), vendor directories, irregular files.
	var zip bytes.Buffer
	if err := modzip.Create(&zip, module.Version{Path: modPath, Version: version}, files); err != nil {
		t.Fatalf("module zip of %s: %v", root, err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": info,
		version + ".mod":  gomod,
		version + ".zip":  zip.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(at, name), data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return fileURL(dir)
}

// fileURL returns the file:// URL of the absolute path dir.
func fileURL(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x -> /C:/x
	}
	return "file://" + p
}

// workFile is a file of the work tree, for modzip.Create.
type workFile struct {
	root, name string // name is slash-separated, relative to root
	info       fs.FileInfo
}

func (f workFile) Path() string                 { return f.name }
func (f workFile) Lstat() (fs.FileInfo, error)  { return f.info, nil }
func (f workFile) Open() (io.ReadCloser, error) { return os.Open(filepath.Join(f.root, f.name)) }
