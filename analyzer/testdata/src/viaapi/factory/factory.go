// Package factory does not import net/http, and nothing it names has a
// type of net/http: viaapilib.NewService is a factory by its fact alone.
package factory

import lib "viaapilib"

func PerCall(u string) error {
	return lib.NewService().Ping(u) // want `KA1002: viaapilib.NewService builds a new http.Transport per call`
}
