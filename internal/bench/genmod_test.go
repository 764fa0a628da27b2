package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// genModule writes a module of n packages into dir, with an import graph
// like a service's: each package imports up to three of the 40 packages
// written before it (so the graph is layered and some packages are
// imported by many), every package uses the standard library, and every
// tenth one is an HTTP client with two findings (KA1001 and KA1004).
// The same n always gives the same module.
func genModule(dir string, n int) error {
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/scale\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	for i := range n {
		rng := rand.New(rand.NewPCG(1, uint64(i)))
		var deps []int
		for range min(i, 3) {
			d := i - 1 - rng.IntN(min(i, 40))
			if !containsInt(deps, d) {
				deps = append(deps, d)
			}
		}
		if err := writePackage(dir, i, deps, i%10 == 9); err != nil {
			return err
		}
	}
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func pkgName(i int) string { return fmt.Sprintf("p%04d", i) }

// writePackage writes package i: a file of plain code that calls its
// dependencies, and for an HTTP client a file that sends requests.
func writePackage(root string, i int, deps []int, client bool) error {
	name := pkgName(i)
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"fmt\"\n\t\"sort\"\n\t\"strings\"\n", name)
	for _, d := range deps {
		fmt.Fprintf(&b, "\n\t\"example.com/scale/%s\"", pkgName(d))
	}
	b.WriteString("\n)\n\n")
	fmt.Fprintf(&b, "// Item is a record of package %s.\ntype Item struct {\n\tName  string\n\tScore int\n\tTags  []string\n}\n\n", name)
	b.WriteString("// Rank sorts items by score and names them.\nfunc Rank(items []Item) []string {\n\tsort.Slice(items, func(i, j int) bool { return items[i].Score > items[j].Score })\n\tvar out []string\n\tfor _, it := range items {\n\t\tout = append(out, fmt.Sprintf(\"%s:%d:%s\", it.Name, it.Score, strings.Join(it.Tags, \",\")))\n\t}\n\treturn out\n}\n\n")
	b.WriteString("// F combines the results of the packages this one imports.\nfunc F(n int) int {\n\ttotal := n\n")
	for _, d := range deps {
		fmt.Fprintf(&b, "\ttotal += %s.F(n-1) %% 7\n", pkgName(d))
	}
	b.WriteString("\treturn total\n}\n")
	for k := range 6 {
		fmt.Fprintf(&b, "\n// Step%d is more code of the kind a service has.\nfunc Step%d(items []Item, prefix string) (int, error) {\n\tcount := 0\n\tfor _, it := range items {\n\t\tif strings.HasPrefix(it.Name, prefix) && it.Score > %d {\n\t\t\tcount++\n\t\t}\n\t}\n\tif count == 0 {\n\t\treturn 0, fmt.Errorf(\"no item with prefix %%q\", prefix)\n\t}\n\treturn count, nil\n}\n", k, k, k)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".go"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	if !client {
		return nil
	}
	src := fmt.Sprintf(`package %s

import (
	"errors"
	"io"
	"net/http"
)

// Fetch reads the body at u.
func Fetch(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
`, name)
	return os.WriteFile(filepath.Join(dir, "client.go"), []byte(src), 0o644)
}
