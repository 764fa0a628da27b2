// Package report renders keepalive findings for people and machines, and
// implements the baseline and new-from-rev filters of the command.
//
// # Output formats
//
// [WriteText] prints one finding per line:
//
//	path/to/file.go:12:3: KA1004 response body is never closed
//
// [WriteGitHub] prints GitHub Actions workflow commands, one per finding:
//
//	::warning file=F,line=L,col=C,endLine=EL,endColumn=EC,title=KA1004 body-not-closed::message
//
// Property values escape '%', '\r', '\n', ':' and ','; the message escapes
// '%', '\r' and '\n', as the Actions runner requires.
//
// [WriteSARIF] writes a SARIF 2.1.0 log with a single run. Each result names
// its rule by ruleId and ruleIndex, has level "warning", one physical
// location whose artifactLocation.uri is the finding's relative,
// slash-separated path with uriBaseId "%SRCROOT%", and, when
// [Finding.Fingerprint] is set, partialFingerprints["keepalive/v1"]. The
// run's originalUriBaseIds gives %SRCROOT% as the absolute file URI of the
// repository's top level, and its columnKind is "utf16CodeUnits": the
// analyzer's byte columns are converted with the text of each line (a
// finding whose file cannot be read has lines only). Each rule carries
// defaultConfiguration.level "warning", properties.tags and precision (for
// code scanning's filters), a one-paragraph fullDescription, and its help
// as text and Markdown. The driver's version is the module version the
// binary was built from; semanticVersion is set when that is a release.
//
// # JSON schema (version 1)
//
// [WriteJSON] writes a single JSON object. The schema is stable: fields are
// only ever added, and a change that is not backward compatible increments
// "version".
//
//	{
//	  "version": 1,                   // integer, schema version
//	  "findings": [                   // array, never null; in input order
//	    {
//	      "check": "KA1004",          // string, check ID
//	      "name": "body-not-closed",  // string, check name
//	      "file": "pkg/client.go",    // string, path relative to the working directory, '/'-separated
//	      "line": 12,                 // integer, 1-based
//	      "column": 3,                // integer, 1-based byte column; 0 if unknown
//	      "end_line": 12,             // integer, 0 if unknown
//	      "end_column": 40,           // integer, 0 if unknown
//	      "message": "...",           // string
//	      "url": "https://...",       // string, documentation of the check; may be empty
//	      "fix_available": true,      // boolean, a suggested fix exists (-w, -d)
//	      "related": [                // optional: the positions the message names
//	        {"file": "internal/api/client.go", "line": 58, "column": 2,
//	         "message": "closed unread here"}
//	      ]
//	    }
//	  ]
//	}
//
// # Fingerprints
//
// A fingerprint identifies a finding independently of its line number, so
// that it survives edits elsewhere in the file. It is the first 128 bits,
// in hex, of a SHA-256 over the check ID, the file path, the flagged source
// line with runs of white space collapsed to one space and leading and
// trailing white space removed, and the occurrence index of the finding
// among the findings of the same check in the same file on identical
// (normalized) lines, counted in line order. [Fingerprints] computes the
// occurrence indexes; [Fingerprint] assumes occurrence 0.
//
// # Baseline file (version 1)
//
// [WriteBaseline] records the current findings so later runs report only new
// ones ([Baseline.Filter]):
//
//	{
//	  "version": 1,
//	  "findings": [                   // sorted by file, check, fingerprint, message
//	    {
//	      "check": "KA1004",
//	      "file": "pkg/client.go",
//	      "fingerprint": "3f2a…",     // as computed by Fingerprints
//	      "message": "..."            // informational only, not matched
//	    }
//	  ]
//	}
//
// Matching uses (check, file, fingerprint) with multiset semantics: each
// baseline entry absorbs at most one finding.
//
// # New from revision
//
// [ChangedLines] asks git which lines of the work tree differ from a
// revision (untracked, non-ignored files count as entirely changed), and
// [FilterChanged] keeps the findings whose line is among them.
package report
