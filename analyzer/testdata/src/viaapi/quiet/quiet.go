// Package quiet holds viaapilib's services and responses correctly, and
// never imports net/http.
package quiet

import lib "viaapilib"

// svc is built once: its Transport lives for every request.
var svc = lib.NewService()

func Kept(u string) error { return svc.Ping(u) }

func Closed(u string) error {
	resp, err := lib.Fetch(u)
	if err != nil {
		return err
	}
	lib.Close(resp)
	return nil
}

// ThroughDefault sends through an exported variable of another package,
// which its users may replace: KA1001 leaves those alone.
func ThroughDefault(u string) error {
	resp, err := lib.Default.Get(u)
	if err != nil {
		return err
	}
	lib.Close(resp)
	return nil
}

func Unrelated(u string) int { return lib.Size(u) }
