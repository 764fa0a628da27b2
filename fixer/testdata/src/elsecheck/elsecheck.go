// Package elsecheck checks the status in an else branch of the error check.
package elsecheck

import (
	"errors"
	"net/http"
)

var client = &http.Client{}

// ElseIf returns on a bad status from an else-if of the error check.
func ElseIf(u string) (int, error) {
	resp, err := client.Get(u) // want "KA1004"
	if err != nil {
		return 0, err
	} else if resp.StatusCode != http.StatusOK {
		return 0, errors.New(resp.Status)
	}
	return resp.StatusCode, nil
}

// ElseBlock goes on in an else block.
func ElseBlock(u string) (int, error) {
	resp, err := client.Get(u) // want "KA1004"
	if err != nil {
		return 0, err
	} else {
		if resp.StatusCode != http.StatusOK {
			return 0, errors.New(resp.Status)
		}
	}
	return resp.StatusCode, nil
}
