// Command shopctl prints the catalog of a shop, once.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	base := flag.String("url", "http://localhost:8080", "catalog service URL")
	flag.Parse()
	resp, err := http.Get(*base + "/products")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
}
