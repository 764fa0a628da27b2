package keepalivedisabled

import (
	"net/http"
	"testing"
)

func TestNoKeepAlive(t *testing.T) {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	_ = tr
}
