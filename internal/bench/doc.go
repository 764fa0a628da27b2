// Package bench measures what the keepalive analyzer costs on top of
// loading and type-checking a realistic package set.
//
//	go test ./internal/bench -bench 'Driver|Analysis' -benchtime 5x
//
// BenchmarkPeers runs keepalivefix, a no-op analyzer under the same driver
// (cmd/peercheck), keepalive and the no-op under singlechecker, and
// bodyclose (installed with go install into a temporary GOBIN, not added to
// go.mod) as separate processes on std net/... and testdata/example, and
// reports wall time, peak RSS and their ratios; see BENCHMARKS.md.
//
//	go test ./internal/bench -run '^$' -bench Peers -benchtime 3x -peers.md /tmp/peers.md
package bench
