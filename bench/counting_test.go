package bench

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCounterCountsBodyBytes checks that the counter adds up the bodies a
// client uploads, whether their length is known ahead or not, and nothing
// for a request without one.
func TestCounterCountsBodyBytes(t *testing.T) {
	var received int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		received += n
	}))
	defer srv.Close()
	c := NewCounter(http.DefaultTransport)
	client := &http.Client{Transport: c}
	send := func(method string, body io.Reader) {
		req, err := http.NewRequest(method, srv.URL+"/api/v1/repos/o/r/contents", body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	before := c.Read()
	send(http.MethodPost, bytes.NewReader(make([]byte, 1000)))                       // length known
	send(http.MethodPost, io.NopCloser(strings.NewReader(strings.Repeat("x", 234)))) // length unknown: chunked
	send(http.MethodGet, nil)
	got := c.Since(before)
	if got.Bytes != 1234 || received != 1234 || got.Total != 3 {
		t.Errorf("counted %d bytes in %d requests, the server received %d; want 1234 in 3", got.Bytes, got.Total, received)
	}
}
