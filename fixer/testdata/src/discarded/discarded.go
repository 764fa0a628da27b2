// Package discarded throws responses away in _.
package discarded

import "net/http"

var client = &http.Client{}

// Notify sends req and keeps only the error: the fix names the response
// and closes its body after the error check.
func Notify(req *http.Request) error {
	var err error
	_, err = client.Do(req) // want "KA1004"
	if err != nil {
		return err
	}
	return nil
}

// Ping declares the error with :=.
func Ping(u string) error {
	_, err := client.Get(u) // want "KA1004"
	if err != nil {
		return err
	}
	return nil
}
