package defaultclient

import (
	"io"
	"net/http"
)

// --- reported: a variable that is http.DefaultClient or http.Get for its whole life ---

var defaultHC = http.DefaultClient

func ViaPackageAlias(req *http.Request) error {
	resp, err := defaultHC.Do(req) // want `defaultHC \(http.DefaultClient, declared at line 10\) has no timeout.*no fix: defaultHC is set once to http.DefaultClient`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func ViaLocalAlias(req *http.Request) error {
	c := http.DefaultClient
	resp, err := c.Do(req) // want `c \(http.DefaultClient, declared at line 23\) has no timeout`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

var get = http.Get

func ViaFuncValue(u string) error {
	resp, err := get(u) // want `get \(http.Get, declared at line 33\) sends through http.DefaultClient, which has no timeout`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- not reported ---

// Client is exported so that callers can replace it.
var Client = http.DefaultClient

func ViaExported(req *http.Request) error {
	resp, err := Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// replaced is set to a tuned client by Configure.
var replaced = http.DefaultClient

func Configure(c *http.Client) { replaced = c }

func ViaReplaced(req *http.Request) error {
	resp, err := replaced.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// pointed has its address handed out, so it may change.
var pointed = http.DefaultClient

func Pointer() **http.Client { return &pointed }

func ViaPointed(req *http.Request) error {
	resp, err := pointed.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// ViaOwnClient builds a client of its own, sharing DefaultTransport.
func ViaOwnClient(req *http.Request, hc *http.Client) error {
	c := hc
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// send is a function value that is not net/http's.
var send = func(u string) (*http.Response, error) { return nil, nil }

func ViaOtherFunc(u string) error {
	resp, err := send(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
