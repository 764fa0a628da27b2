// Package analyzer defines the keepalive analyzer, which reports HTTP client
// code that defeats connection reuse (keep-alive) in net/http.
//
// # Analyzer keepalive
//
// keepalive: report HTTP client code that defeats connection reuse
//
// A Go program reuses a TCP (and TLS) connection only when requests share one
// http.Transport, keep-alive is left on, and each response body is read to
// EOF and closed. The checks, each with a stable ID:
//
//	KA1001 default-client         http.Get/Head/Post/PostForm or http.DefaultClient in repeated code
//	KA1002 transport-per-request  an http.Transport built per request (a fresh, unshared pool)
//	KA1003 keepalive-disabled     DisableKeepAlives, negative MaxIdleConnsPerHost, req.Close, Connection: close
//	KA1004 body-not-closed        a response whose body is not closed on every path
//	KA1005 body-not-drained       a body closed before it was read to EOF
//	KA1006 context-cancelled-before-read  a response returned after a deferred cancel of its request's context
//
// Run "keepalivefix -explain ID" for a check's rationale and examples.
package analyzer

const doc = `report HTTP client code that defeats connection reuse (keep-alive)

A Go program reuses a TCP (and TLS) connection only when requests share one
http.Transport, keep-alive is left on, and each response body is read to EOF
and closed. keepalive reports:

  KA1001 default-client         http.Get/Post/... or http.DefaultClient in repeated code
  KA1002 transport-per-request  an http.Transport built per request
  KA1003 keepalive-disabled     keep-alive switched off by a constant setting
  KA1004 body-not-closed        a response body not closed on every path
  KA1005 body-not-drained       a response body closed before EOF
  KA1006 context-cancelled-before-read  a response returned after its context's deferred cancel

Use -checks to choose checks and -strict-drain for decoder-read bodies.`
