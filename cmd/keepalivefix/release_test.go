package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goreleaserConfig is what release_test reads of .goreleaser.yaml: the
// first build, the dist directory and the files the archives hold.
type goreleaserConfig struct {
	version, dist           string
	main                    string
	env, flags, ldflags     []string
	goos, goarch, archFiles []string
}

// readGoreleaser scans .goreleaser.yaml as plain text (the module has no
// YAML parser, and needs none for the few keys read here): block-style
// keys and lists, two spaces an indent, as the file is written.
func readGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	var section string // top-level key
	var item int       // list items of the section seen
	var list *[]string // the list being read
	lists := map[string]*[]string{"env": &c.env, "flags": &c.flags, "ldflags": &c.ldflags, "goos": &c.goos, "goarch": &c.goarch}
	for _, line := range strings.Split(string(src), "\n") {
		text := strings.TrimSpace(line)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if indent == 0 {
			key, value, _ := strings.Cut(text, ":")
			section, item, list = key, 0, nil
			switch key {
			case "version":
				c.version = unquote(value)
			case "dist":
				c.dist = unquote(value)
			}
			continue
		}
		if indent == 2 && strings.HasPrefix(text, "- ") {
			item++
			text, indent = strings.TrimPrefix(text, "- "), 4
		}
		if item != 1 {
			continue // only the first build and the first archive
		}
		if value, ok := strings.CutPrefix(text, "- "); ok && list != nil {
			*list = append(*list, unquote(value))
			continue
		}
		if indent != 4 {
			list = nil
			continue
		}
		key, value, _ := strings.Cut(text, ":")
		list = nil
		switch {
		case section == "builds" && key == "main":
			c.main = unquote(value)
		case section == "builds" && lists[key] != nil:
			list = lists[key]
		case section == "archives" && key == "files":
			list = &c.archFiles
		}
	}
	return c
}

func unquote(s string) string {
	return strings.Trim(strings.TrimSpace(s), `"'`)
}

// TestGoreleaserConfig keeps .goreleaser.yaml honest without goreleaser
// (not installed in CI; see docs/release.md): it builds the main package
// of the file's first build, with its env, flags and ldflags, in a clean
// checkout tagged with a release version, beside the untracked dist
// directory that goreleaser creates, and checks that -version prints that
// version: the command reads it from the build info, which the go command
// stamps from the tag.
func TestGoreleaserConfig(t *testing.T) {
	c := readGoreleaser(t)
	if c.version != "2" {
		t.Errorf(".goreleaser.yaml: version %q, want 2", c.version)
	}
	if c.main != "./cmd/keepalivefix" {
		t.Errorf(".goreleaser.yaml: main %q, want ./cmd/keepalivefix", c.main)
	}
	if want := []string{"linux", "darwin", "windows"}; !slices.Equal(c.goos, want) {
		t.Errorf(".goreleaser.yaml: goos %v, want %v", c.goos, want)
	}
	if want := []string{"amd64", "arm64"}; !slices.Equal(c.goarch, want) {
		t.Errorf(".goreleaser.yaml: goarch %v, want %v", c.goarch, want)
	}
	if !slices.Contains(c.env, "CGO_ENABLED=0") || !slices.Contains(c.flags, "-trimpath") {
		t.Errorf(".goreleaser.yaml: env %v and flags %v, want CGO_ENABLED=0 and -trimpath", c.env, c.flags)
	}
	for _, name := range c.archFiles {
		if _, err := os.Stat(filepath.Join(repoRoot, name)); err != nil {
			t.Errorf(".goreleaser.yaml: archives hold %s: %v", name, err)
		}
	}
	for _, name := range []string{"LICENSE", "README.md", "CHANGELOG.md"} {
		if !slices.Contains(c.archFiles, name) {
			t.Errorf(".goreleaser.yaml: archives lack %s (they hold %v)", name, c.archFiles)
		}
	}
	for _, f := range c.ldflags {
		if strings.Contains(f, "{{") || strings.Contains(f, "-X") {
			// -X of a variable main does not declare is dropped
			// without a word; the version comes from the build info.
			t.Errorf(".goreleaser.yaml: ldflags %q: the command reads its version from the build info, not from a -X variable", f)
		}
	}
	if c.dist == "" {
		t.Fatal(".goreleaser.yaml names no dist directory")
	}

	const tag = "v0.9.8" // v0 or v1: the module path has no major version suffix
	dir, rev := snapshotRepo(t, filepath.Join(t.TempDir(), "release"))
	git(t, dir, "tag", tag)
	// goreleaser writes its artifacts to dist while it builds: an
	// untracked file there would mark the build modified (+dirty).
	writeTestFile(t, filepath.Join(dir, c.dist, "artifacts.json"), "[]\n")

	bin := filepath.Join(t.TempDir(), "keepalivefix")
	args := append([]string{"build"}, c.flags...)
	if len(c.ldflags) > 0 {
		args = append(args, "-ldflags="+strings.Join(c.ldflags, " "))
	}
	args = append(args, "-o", bin, c.main)
	build := exec.Command("go", args...)
	build.Dir = dir
	build.Env = append(os.Environ(), c.env...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	out, err := exec.Command(bin, "-version").CombinedOutput()
	if want := "keepalivefix " + tag + " (" + rev[:12] + ")\n"; err != nil || string(out) != want {
		t.Errorf("a release build's -version = %q, %v; want %q", out, err, want)
	}
}
