// Package bench measures what the keepalive analyzer costs on top of
// loading and type-checking a realistic package set.
//
//	go test ./internal/bench -bench . -benchtime 5x
package bench
