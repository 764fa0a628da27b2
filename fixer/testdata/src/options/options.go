package options

import "net/http"

// Get uses the default client.
func Get(u string) (*http.Response, error) {
	return http.Get(u) // want `http.Get sends`
}
