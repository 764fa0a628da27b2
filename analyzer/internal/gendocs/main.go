// Command gendocs writes docs/checks/<ID>.md for every check from the
// analyzer's registry. Run it with "go generate ./analyzer".
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

func main() {
	dir := flag.String("dir", "docs/checks", "output directory")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, c := range analyzer.Checks {
		if err := os.WriteFile(filepath.Join(*dir, c.ID+".md"), []byte(c.Markdown()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
