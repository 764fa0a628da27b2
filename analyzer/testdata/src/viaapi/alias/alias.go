// Package alias does not import net/http: viaapilib.Opener's method
// returns a response under an alias of viaapilib's.
package alias

import lib "viaapilib"

func DiscardedAlias(o lib.Opener, u string) {
	_, _ = o.Open(u) // want `KA1004: the response of o.Open is assigned to _`
}
