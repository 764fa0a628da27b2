// Package orghttp holds an organisation's shared client.
package orghttp

import "net/http"

// Client is the organisation's shared client.
var Client = &http.Client{}
