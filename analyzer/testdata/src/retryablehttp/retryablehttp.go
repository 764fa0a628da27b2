// Package retryablehttp is a look-alike with its own Get.
package retryablehttp

import "net/http"

func Get(url string) (*http.Response, error) { return nil, nil }

type Client struct{ HTTPClient *http.Client }

func (c *Client) Get(url string) (*http.Response, error) { return nil, nil }
