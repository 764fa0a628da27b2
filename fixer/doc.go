// Package fixer rewrites the code the keepalive analyzer reports so that
// connections are reused: package-level senders go through one shared,
// pooled client; a Transport built per call moves to package level;
// settings that turn keep-alive off are removed; response bodies are
// closed, and drained (boundedly) before they are closed.
//
// The analyzer plans one fix per diagnostic with a Planner and resolves
// them together, since they share declarations and must not overlap. The
// Planner applies all of a package's fixes at once, formats the result,
// type-checks it, and splits the difference into line hunks that it hands
// back to each fix as analysis.TextEdits. That one set of edits serves
// keepalivefix -w and -d, go fix, go vet -fix, golangci-lint --fix and
// gopls alike.
//
// Nodes that move (a Transport literal with the comments inside it) are
// printed with github.com/dave/dst, which keeps comments attached to the
// nodes they describe; everything else is a minimal text edit, so that the
// code and comments around a fix stay byte for byte as they were.
package fixer
