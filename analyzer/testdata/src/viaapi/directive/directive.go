// Package directive does not touch net/http; its directive silences
// nothing, which -unused-ignores reports.
package directive

import lib "viaapilib"

func Size(u string) int {
	//keepalive:ignore KA1004 the caller closes it // want `directive: //keepalive:ignore KA1004 silences nothing`
	return lib.Size(u)
}
