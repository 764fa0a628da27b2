package bodyreachlib

import (
	"bufio"
	"errors"
	"net"
	"net/http"
)

// Conn is an upgraded connection, as a websocket library's.
type Conn struct{ net.Conn }

// Dial upgrades a connection it dials itself: the handshake response is
// read from that connection with http.ReadResponse, never through a
// Transport's pool, so its callers owe it nothing.
func Dial(addr string, req *http.Request) (*Conn, *http.Response, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	if err := req.Write(nc); err != nil {
		nc.Close()
		return nil, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(nc), req)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		nc.Close()
		return nil, resp, errors.New("bad handshake")
	}
	return &Conn{nc}, resp, nil
}

// DialOrGet falls back to a request through a client: one of its
// responses comes from a pool.
func DialOrGet(hc *http.Client, addr string, req *http.Request) (*Conn, *http.Response, error) {
	c, resp, err := Dial(addr, req)
	if err == nil {
		return c, resp, nil
	}
	resp, err = hc.Do(req)
	return nil, resp, err
}
