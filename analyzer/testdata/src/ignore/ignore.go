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
	resp, err := http.Get(u) //keepalive:ignore KA1004 wrong check // want `//keepalive:ignore KA1004 silences nothing: no such finding on this line or the next; remove it` `http.Get sends` `closed unread`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}

// Directives need a reason and known IDs. The advice repeats the IDs that
// were written.
func C(u string) error {
	//keepalive:ignore KA1001 // want `//keepalive:ignore KA1001 needs a reason: //keepalive:ignore KA1001 <why`
	resp, err := http.Get(u) // want `http.Get sends` `closed unread`
	if err != nil {
		return err
	}
	defer resp.Body.Close() //keepalive:ignore KA9999 no such check // want `//keepalive:ignore KA9999 names unknown check "KA9999"`
	return nil
}

// No IDs at all: the advice shows the whole form.
func E(u string) error {
	//keepalive:ignore // want `//keepalive:ignore needs the IDs of the checks it silences and a reason, as in //keepalive:ignore KA1004 `
	resp, err := http.Get(u) // want `http.Get sends`
	if err != nil {
		return err
	}
	defer resp.Body.Close() //keepalive:ignore KA1005,KA1004 the body is empty by contract // want `//keepalive:ignore KA1005,KA1004: KA1004 silences nothing on this line or the next; remove it from the list`
	return nil
}

// One ID of a list silences the request line; the other silences nothing.
func D(c *http.Client, req *http.Request) (*http.Response, error) {
	//keepalive:ignore KA1003,KA1002 the server wants one request per connection // want `//keepalive:ignore KA1003,KA1002: KA1002 silences nothing on this line or the next; remove it from the list`
	req.Close = true
	return c.Do(req)
}

//keepalive:ignore KA1002,KA1003 nothing here // want `//keepalive:ignore KA1002,KA1003 silences nothing: no such finding`
var x = 1
