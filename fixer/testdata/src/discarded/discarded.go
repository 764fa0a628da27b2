// Package discarded throws responses away in _.
package discarded

import (
	"errors"
	"log"
	"net/http"
)

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

// get is a wrapper that returns the response with its error.
func get(u string) (*http.Response, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return resp, errors.New(resp.Status)
	}
	return resp, nil
}

// Delete keeps only the error and returns it at once: no error check to
// close after, so the close is guarded by the response itself, which the
// wrapper returns also with an error.
func Delete(u string) error {
	_, err := get(u) // want "KA1004"
	return err
}

// Fire discards the error too.
func Fire(req *http.Request) {
	_, _ = client.Do(req) // want "KA1004"
}

// Status logs the error and goes on.
func Status(u string) int {
	resp, err := get(u) // want "KA1004"
	if err != nil {
		log.Print(err)
	}
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// Touch sends in a loop without an error check: a close at the end of the
// iteration could meet a nil response, so no fix.
func Touch(us []string) (errs []error) {
	for _, u := range us {
		_, err := get(u) // want `KA1004.*no fix: no .if err != nil { return }. right after the call`
		errs = append(errs, err)
	}
	return errs
}

// Send folds the checks into err and looks at the response only to compare
// it with nil and read its status.
func Send(u string) error {
	res, err := client.Get(u) // want "KA1004"
	if res == nil && err == nil {
		err = errors.New("no response")
	}
	if err == nil && res.StatusCode != http.StatusNoContent {
		err = errors.New(res.Status)
	}
	return err
}

// Outer assigns an error of the enclosing scope: := would shadow it, so
// the response is declared on its own.
func Outer(req *http.Request) (err error) {
	if req != nil {
		_, err = client.Do(req) // want "KA1004"
		if err != nil {
			return err
		}
	}
	return err
}
