package ignore

import "net/http"

// Silenced on the line above.
func A(u string) error {
	//keepalive:ignore KA1001 a one-shot probe; the default client is fine here
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close() //keepalive:ignore KA1005 the body is empty by contract
	return nil
}

// A directive for another check silences nothing.
func B(u string) error {
	resp, err := http.Get(u) //keepalive:ignore KA1004 wrong check // want `unused //keepalive:ignore` `http.Get sends`
	if err != nil {
		return err
	}
	defer resp.Body.Close() // want `closed unread`
	return nil
}

// Directives need a reason and known IDs.
func C(u string) error {
	//keepalive:ignore KA1001 // want `needs the check IDs and a reason`
	resp, err := http.Get(u) // want `http.Get sends`
	if err != nil {
		return err
	}
	defer resp.Body.Close() //keepalive:ignore KA9999 no such check // want `unknown check "KA9999"` `closed unread`
	return nil
}

//keepalive:ignore KA1002,KA1003 nothing here // want `unused //keepalive:ignore`
var x = 1
