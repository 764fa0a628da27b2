// Package discarded does not import net/http, and names nothing of it:
// only the signature of viaapilib.Getter's method says that it returns a
// response (an interface method has no fact).
package discarded

import lib "viaapilib"

func Discarded(g lib.Getter, u string) {
	g.Get(u) // want `KA1004: the response of g.Get is discarded`
}
