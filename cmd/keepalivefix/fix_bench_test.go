package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchModule writes a module of n packages, each with three files of
// fixable findings (default client, unread and unclosed bodies, keep-alive
// off, a transport per call) and one clean file.
func benchModule(b *testing.B, dir string, n int) {
	b.Helper()
	write := func(name, content string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("go.mod", "module bench\n\ngo 1.26\n")
	for i := range n {
		pkg := fmt.Sprintf("p%03d", i)
		write(pkg+"/a.go", `package `+pkg+`

import "net/http"

// Status gets u.
func Status(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
`)
		write(pkg+"/b.go", `package `+pkg+`

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Decode leaks the body on a bad status.
func Decode(c *http.Client, u string, v any) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
`)
		write(pkg+"/c.go", `package `+pkg+`

import "net/http"

// Post builds a transport per call and asks to close the connection.
func Post(u string) error {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	req, err := http.NewRequest(http.MethodPost, u, nil)
	if err != nil {
		return err
	}
	req.Close = true
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}
`)
		write(pkg+"/d.go", `package `+pkg+`

// Add is clean.
func Add(a, b int) int { return a + b }
`)
	}
}

// BenchmarkRun compares the plain analysis of a module of 100 packages with
// the same run printing the fixes as a diff (-d) and writing them (-w; the
// files are restored between runs, outside the timer).
func BenchmarkRun(b *testing.B) {
	const n = 100
	// Each iteration analyses: the result cache would serve the repeats.
	b.Setenv("KEEPALIVEFIX_CACHE", "off")
	dir := b.TempDir()
	benchModule(b, dir, n)
	wd, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = os.Chdir(wd) }() // run -C changes directory
	for _, mode := range []string{"analyze", "diff", "write"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				if mode == "write" {
					b.StopTimer()
					benchModule(b, dir, n)
					b.StartTimer()
				}
				args := []string{"-C", dir, "./..."}
				switch mode {
				case "diff":
					args = append([]string{"-d"}, args...)
				case "write":
					args = append([]string{"-w"}, args...)
				}
				if code := run(args, io.Discard, io.Discard); code != exitFindings && code != exitClean {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
