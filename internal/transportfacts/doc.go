// Package transportfacts finds, once per package, the functions that build a
// new connection pool on every call: they return a fresh *http.Transport, an
// *http.Client carrying one, or a value of a struct that holds one
// (go-cleanhttp's DefaultPooledClient, go-retryablehttp's NewClient,
// resty's New). Each such function gets a Factory fact, so that a call to
// it in another package, per request, is known to start with an empty pool,
// and a factory whose Transport has keep-alive off (go-cleanhttp's
// DefaultTransport and DefaultClient) is known to open a connection per
// request wherever its result is used.
//
// The summary is deliberately narrow: a result counts as fresh only when
// every return statement yields, at that result, nil or a value built in
// the call from a literal, net/http's Clone or another factory, held in
// local variables that are only configured in place (their fields set,
// their methods called), never handed to another function nor stored
// elsewhere. A function that may return a value kept in a cache, a global
// or a field is not a factory.
package transportfacts
