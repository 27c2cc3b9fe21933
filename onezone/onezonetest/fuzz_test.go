package onezonetest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// FuzzServerBodies feeds arbitrary JSON bodies to every body-taking
// endpoint of the fake: it must answer with a status and, for 4xx, an
// Onezone error body — never panic.
func FuzzServerBodies(f *testing.F) {
	for _, s := range []string{
		`{"name":"ok"}`, `{"name":true}`, `{"name":null}`, `{"name":5}`, `{}`, `[]`, `{"name":"ok","type":{"inviteToken":{"inviteType":"registerOneprovider","adminUserId":"x"}}}`,
		`{"name":"ok","caveats":[{"type":"ip","whitelist":["1.2.3.4/33"]}],"usageLimit":"infinity"}`,
		`{"token":"MDAx","caveats":[{"type":"time","validUntil":1}]}`, `{"caveats":[{"type":"time","validUntil":1e30}]}`,
		`{"token":"x","peerIp":"::1","interface":"rest","allowDataAccessCaveats":true,"consumerToken":"y","expectedInviteType":"supportSpace"}`,
	} {
		f.Add(uint8(0), []byte(s))
	}
	paths := []struct{ method, path string }{
		{"POST", "/user/tokens/named"}, {"POST", "/user/tokens/temporary"}, {"POST", "/tokens/examine"},
		{"POST", "/tokens/confine"}, {"POST", "/tokens/verify_access_token"}, {"POST", "/tokens/verify_identity_token"},
		{"POST", "/tokens/verify_invite_token"}, {"POST", "/tokens/infer_access_token_scope"}, {"PATCH", "/tokens/named/x"},
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		p := paths[int(which)%len(paths)]
		srv := onezonetest.NewServer(onezonetest.WithInMemory())
		defer srv.Close()
		hc := &http.Client{Transport: srv.Transport()}
		req, _ := http.NewRequestWithContext(context.Background(), p.method, srv.URL()+onezone.BasePath+p.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(onezonetest.AdminUsername, srv.AdminPassword())
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 404 && resp.StatusCode != 415 && !bytes.Contains(b, []byte(`"error"`)) {
			t.Fatalf("%d without an error body: %s", resp.StatusCode, b)
		}
	})
}
