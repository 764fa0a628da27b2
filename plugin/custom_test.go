package plugin_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// customConfig is what the test needs of the documented .custom-gcl.yml.
type customConfig struct {
	raw           string
	version       string // golangci-lint's
	pluginModule  string
	pluginImport  string
	pluginVersion string
	pluginPath    string
}

var (
	topVersionLine = regexp.MustCompile(`(?m)^version:\s*(\S+)\s*$`)
	pluginLine     = regexp.MustCompile(`(?m)^\s+(?:-\s+)?(module|import|version|path):\s*(\S+)\s*$`)
	destLine       = regexp.MustCompile(`(?m)^destination:.*$`)
)

// readCustomConfig reads the .custom-gcl.yml that docs/golangci.yml shows
// (its comment lines indented by a tab), which must take the plugin by
// module path and release version, as users do.
func readCustomConfig(t *testing.T, root string) customConfig {
	t.Helper()
	docs, err := os.ReadFile(filepath.Join(root, "docs", "golangci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var snippet []string
	for _, l := range strings.Split(string(docs), "\n") {
		if rest, ok := strings.CutPrefix(l, "#\t"); ok {
			snippet = append(snippet, rest)
		} else if len(snippet) > 0 {
			break
		}
	}
	if len(snippet) == 0 {
		t.Fatal("docs/golangci.yml shows no .custom-gcl.yml (comment lines indented by a tab)")
	}
	data := strings.Join(snippet, "\n") + "\n"
	// Comments may show other forms (path: ...); only the settings count.
	var lines []string
	for _, l := range strings.Split(data, "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	settings := strings.Join(lines, "\n")
	c := customConfig{raw: data}
	if m := topVersionLine.FindStringSubmatch(settings); m != nil {
		c.version = m[1]
	}
	for _, m := range pluginLine.FindAllStringSubmatch(settings, -1) {
		switch m[1] {
		case "module":
			c.pluginModule = m[2]
		case "import":
			c.pluginImport = m[2]
		case "version":
			c.pluginVersion = m[2]
		case "path":
			c.pluginPath = m[2]
		}
	}
	switch {
	case c.version != gclVersion:
		t.Fatalf("docs/golangci.yml's .custom-gcl.yml: golangci-lint version %q, want %s", c.version, gclVersion)
	case c.pluginModule != pluginModule || c.pluginImport != pluginModule+"/plugin":
		t.Fatalf("docs/golangci.yml's .custom-gcl.yml: plugin module %q import %q, want %s and %s/plugin", c.pluginModule, c.pluginImport, pluginModule, pluginModule)
	case c.pluginPath != "" || !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(c.pluginVersion):
		t.Fatalf("docs/golangci.yml's .custom-gcl.yml: the plugin must be taken by a release version, as users take it (version %q, path %q)", c.pluginVersion, c.pluginPath)
	}
	return c
}

// customGolangci returns a golangci-lint built by "golangci-lint custom"
// from the .custom-gcl.yml that docs/golangci.yml shows, as a user builds it: the plugin is
// fetched by module path and version, here from a local module proxy that
// serves this checkout as that version. The binary is cached, keyed by
// the plugin's source and the configuration.
func customGolangci(t *testing.T, root string) string {
	t.Helper()
	cfg := readCustomConfig(t, root)
	installed := findGolangci(t)
	goVersion := strings.TrimSpace(run(t, root, nil, "go", "env", "GOVERSION"))
	key := sourceKey(t, root, gclVersion, goVersion, runtime.GOOS, runtime.GOARCH, cfg.raw)

	cacheDir := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cacheDir = filepath.Join(dir, "keepalivefix-e2e", key)
	} else {
		cacheDir = filepath.Join(t.TempDir(), key)
	}
	name := "custom-gcl"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(cacheDir, name)
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		_ = os.Chtimes(cacheDir, now, now) // used: keep it from pruning
		t.Logf("custom golangci-lint from the cache: %s", bin)
		checkPluginVersion(t, bin, cfg.pluginVersion)
		return bin
	}

	start := time.Now()
	tmp := t.TempDir()
	repo := golangciRepo(t, root, tmp)
	proxy := moduleProxy(t, root, pluginModule, cfg.pluginVersion)

	// The documented .custom-gcl.yml as it is, but for where the binary goes.
	build := filepath.Join(tmp, "build")
	dest := filepath.Join(tmp, "bin")
	if err := os.MkdirAll(build, 0o777); err != nil {
		t.Fatal(err)
	}
	if !destLine.MatchString(cfg.raw) {
		t.Fatal("docs/golangci.yml's .custom-gcl.yml has no destination")
	}
	conf := destLine.ReplaceAllLiteralString(cfg.raw, "destination: "+strconv.Quote(dest))
	if err := os.WriteFile(filepath.Join(build, ".custom-gcl.yml"), []byte(conf), 0o666); err != nil {
		t.Fatal(err)
	}

	env := goEnv(t, root, "GOPROXY", "GOMODCACHE", "GONOSUMDB", "GOFLAGS")
	run(t, build, []string{
		// golangci-lint passes GIT_CONFIG_* on to its git clone.
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url." + fileURL(repo) + ".insteadOf",
		"GIT_CONFIG_VALUE_0=" + gclRepoURL,
		// The plugin at its version from the local proxy; everything else
		// from the module cache (itself laid out as a proxy), then as usual.
		"GOPROXY=" + proxy + "," + fileURL(filepath.Join(env["GOMODCACHE"], "cache", "download")) + "," + env["GOPROXY"],
		// A module cache of its own, so that the served copy never stands
		// in the user's cache for the real release; -trimpath keeps the
		// compiled dependencies shared with the build cache all the same.
		"GOMODCACHE=" + filepath.Join(tmp, "modcache"),
		"GOFLAGS=" + strings.TrimSpace(env["GOFLAGS"]+" -modcacherw -trimpath"),
		// The copy is not the published module: no checksum database.
		"GONOSUMDB=" + strings.Trim(env["GONOSUMDB"]+","+pluginModule, ","),
		"GOWORK=off",
	}, installed, "custom", "-v")
	t.Logf("built custom golangci-lint in %v", time.Since(start).Round(time.Millisecond))
	checkPluginVersion(t, filepath.Join(dest, name), cfg.pluginVersion)

	// Into the cache, atomically.
	if err := os.MkdirAll(cacheDir, 0o777); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dest, name))
	if err != nil {
		t.Fatal(err)
	}
	part := bin + ".part" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(part, data, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(part, bin); err != nil {
		t.Fatal(err)
	}
	pruneCache(filepath.Dir(cacheDir), filepath.Base(cacheDir))
	return bin
}

// golangciRepo makes a git repository under tmp holding golangci-lint's
// source at gclVersion, tagged, from the module cache: "golangci-lint
// custom" always clones golangci-lint with git, and this is what the clone
// is redirected to, so that no network is needed.
func golangciRepo(t *testing.T, root, tmp string) string {
	t.Helper()
	var mod struct{ Dir, Error string }
	out := run(t, root, nil, "go", "mod", "download", "-json", gclModule+"@"+gclVersion)
	if err := json.Unmarshal([]byte(out), &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s@%s: %v %s\n%s", gclModule, gclVersion, err, mod.Error, out)
	}
	repo := filepath.Join(tmp, "golangci-lint")
	if err := os.CopyFS(repo, os.DirFS(mod.Dir)); err != nil {
		t.Fatal(err)
	}
	git := []string{"-c", "user.name=keepalivefix e2e", "-c", "user.email=e2e@keepalivefix.invalid",
		"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main"}
	run(t, repo, nil, "git", append(git, "init", "-q")...)
	run(t, repo, nil, "git", append(git, "add", "-A")...)
	run(t, repo, nil, "git", append(git, "commit", "-q", "-m", gclVersion)...)
	run(t, repo, nil, "git", append(git, "tag", gclVersion)...)
	return repo
}

// checkPluginVersion fails unless bin was built with the plugin module at
// version, as a dependency, not replaced by a directory.
func checkPluginVersion(t *testing.T, bin, version string) {
	t.Helper()
	out := run(t, ".", nil, "go", "version", "-m", bin)
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "dep" && f[1] == pluginModule {
			if f[2] != version {
				t.Fatalf("%s has %s %s, want %s:\n%s", bin, pluginModule, f[2], version, out)
			}
			return
		}
		if len(f) >= 2 && f[0] == "=>" {
			t.Fatalf("%s replaces a module (%s), want %s by version:\n%s", bin, line, pluginModule, out)
		}
	}
	t.Fatalf("%s was not built with %s:\n%s", bin, pluginModule, out)
}

// goEnv returns the go command's values of the named variables.
func goEnv(t *testing.T, dir string, names ...string) map[string]string {
	t.Helper()
	out := run(t, dir, nil, "go", append([]string{"env", "-json"}, names...)...)
	env := map[string]string{}
	if err := json.Unmarshal([]byte(out), &env); err != nil {
		t.Fatalf("go env -json: %v\n%s", err, out)
	}
	return env
}

// pruneCache removes the binaries in dir, other than keep, unused for a week.
func pruneCache(dir, keep string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.IsDir() && e.Name() != keep && time.Since(info.ModTime()) > 7*24*time.Hour {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// findGolangci returns the installed golangci-lint, which must be gclVersion.
func findGolangci(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("golangci-lint")
	if err != nil {
		gopath := strings.TrimSpace(run(t, ".", nil, "go", "env", "GOPATH"))
		path = filepath.Join(filepath.SplitList(gopath)[0], "bin", "golangci-lint")
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("golangci-lint not found in PATH or GOPATH/bin: install it with go install %s/cmd/golangci-lint@%s", gclModule, gclVersion)
		}
	}
	out := run(t, ".", nil, path, "version")
	if !strings.Contains(out, strings.TrimPrefix(gclVersion, "v")) {
		t.Fatalf("%s is not golangci-lint %s: %s", path, gclVersion, out)
	}
	return path
}

// sourceKey hashes what the custom binary is built from: the module's
// non-test Go files, go.mod and go.sum, and the extra strings.
func sourceKey(t *testing.T, root string, extra ...string) string {
	t.Helper()
	h := sha256.New()
	for _, s := range extra {
		fmt.Fprintf(h, "%s\x00", s)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		goSource := strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
		if !goSource && name != "go.mod" && name != "go.sum" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}
