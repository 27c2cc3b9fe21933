package huaweibcs

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCredentialFile(t *testing.T) {
	t.Parallel()
	mkzip := func(files map[string]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for n, c := range files {
			f, err := zw.Create(n)
			require.NoError(t, err)
			_, _ = f.Write([]byte(c))
		}
		require.NoError(t, zw.Close())
		return b.Bytes()
	}
	cases := []struct {
		name       string
		data       []byte
		id, secret string
		wantErr    string
	}{
		{"plain", []byte("id,api_key\nI,S\n"), "I", "S", ""},
		{"spaces and case", []byte(" Credential ID , API KEY \n I , S \n"), "I", "S", ""},
		{"apikey key", []byte("ApiKey,Key Id\nS,I\n"), "I", "S", ""},
		{"key column", []byte("key,credential_id\nS,I\n"), "I", "S", ""},
		{"secret column", []byte("Secret;x\n"), "", "", "no secret column"},
		{"bom crlf quoted", []byte("\ufeff\"id\",\"secret\"\r\n\"I\",\"S,1\"\r\n"), "I", "S,1", ""},
		{"blank line before data", []byte("id,key\n\nI,S\n"), "I", "S", ""},
		{"header only", []byte("id,key\n"), "", "", "no data row"},
		{"empty", nil, "", "", "empty file"},
		{"empty secret", []byte("id,key\nI,\n"), "", "", "empty secret"},
		{"short row", []byte("id,description,key\nI\n"), "", "", "empty secret"},
		{"zip credential.csv preferred", mkzip(map[string]string{"a.csv": "id,key\nA,X\n", "credential.csv": "id,key\nI,S\n"}), "I", "S", ""},
		{"zip other csv", mkzip(map[string]string{"readme.txt": "hi", "keys.csv": "id,key\nI,S\n"}), "I", "S", ""},
		{"zip no csv", mkzip(map[string]string{"readme.txt": "hi"}), "", "", "no .csv"},
		{"json", []byte(`{"id":"I","api_key":"S"}`), "I", "S", ""},
		{"json nested", []byte(`{"credential":{"credential_id":"I","secret":"S"},"count":1}`), "I", "S", ""},
		{"json no secret", []byte(`{"id":"I"}`), "", "", "no secret field"},
		{"json broken", []byte(`{"id":`), "", "", "not a JSON object"},
		{"broken zip", []byte("PK\x03\x04broken"), "", "", "not a readable ZIP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, secret, err := ParseCredentialFile(tc.data)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.id, id)
			assert.Equal(t, tc.secret, secret)
		})
	}
}

func TestParseErrorBodies(t *testing.T) {
	t.Parallel()
	code, msg, rid, ok := parseError([]byte(`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"Invalid request."}`))
	assert.True(t, ok)
	assert.Equal(t, "BCS.03400001", code)
	assert.Equal(t, "Invalid request.", msg, "a detail equal to the message is not repeated")
	assert.Empty(t, rid)
	_, _, _, ok = parseError([]byte(`[1]`))
	assert.False(t, ok)
	_, _, _, ok = parseError([]byte(`{bad`))
	assert.False(t, ok)
	code, msg, _, _ = parseError([]byte(`{"code":"x","message":"only detail"}`))
	assert.Equal(t, "x", code)
	assert.Equal(t, "only detail", msg)
}

// FuzzParseCredentialFile: no panic, no success without a secret, no
// secret in an error, and, per input, at most allocBound(len(data)) bytes
// allocated (8 per byte of the answer plus 1 MiB; see
// TestParseCredentialFileMemory), seeded with the small hostile shapes.
func FuzzParseCredentialFile(f *testing.F) {
	f.Add([]byte("id,api_key\nI,S\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("\ufeff\"a\nb\",key\n1,2"))
	f.Add([]byte(`{"x":{"id":"I","key":"S"}}`))
	// Small seeds only: the fuzzer minimizes every new input, which is
	// slow for big ones.
	for _, h := range hostileFiles() {
		if len(h.data) <= 4<<10 {
			f.Add(h.data)
		}
	}
	zeros := make([]byte, 1<<20)
	f.Add(zipLying("credential.csv", zeros, deflate(zeros), 100, zip.Deflate)) // 1 MiB of zeros declared 100 B
	f.Fuzz(func(t *testing.T, data []byte) {
		var id, secret string
		var err error
		got := allocOf(1, func() { id, secret, err = ParseCredentialFile(data) })
		if bound := allocBound(len(data)); got > bound {
			// Once more before failing: another goroutine may have
			// allocated meanwhile.
			if got = min(got, allocOf(2, func() { _, _, _ = ParseCredentialFile(data) })); got > bound {
				t.Fatalf("a %d B answer allocated %d B, more than %d B", len(data), got, bound)
			}
		}
		if err == nil && secret == "" {
			t.Fatal("success without a secret")
		}
		// A secret of a few characters occurs in any fixed English text
		// ("A" is in "API key file"): only a real-sized one proves a leak.
		if err != nil && len(secret) >= 8 && strings.Contains(err.Error(), secret) {
			t.Fatal("secret in the error text")
		}
		_ = id
	})
}

func FuzzParseError(f *testing.F) {
	f.Add([]byte(`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"x"}`))
	f.Add([]byte(`{"error":{"code":401,"message":"m","title":"t"}}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, _, _ = parseError(body)
	})
}

func FuzzParseList(f *testing.F) {
	f.Add([]byte(`{"credentials":[{"id":"a","create_time":"2023-06-06T20:47:02.15507+08:00","update_time":""}],"count":1}`))
	f.Add([]byte(`{"count":-1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := parseList(body)
		if err == nil && res.Count < 0 {
			t.Fatal("negative count accepted")
		}
	})
}

// Headers named like the documented ones are matched when no exact name
// is; the id column is never taken for the secret, and two candidates are
// no match. What was found is returned with the error.
func TestParseCredentialFileLooseHeaders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, data string
		id, secret string
		wantErr    string
	}{
		{"secret value", "Credential ID,Secret Value\nI,S\n", "I", "S", ""},
		{"access key id and secret access key", "Access Key ID,Secret Access Key\nI,S\n", "I", "S", ""},
		{"key name is not the secret", "Key Name,API Key Value,ID\nn,S,I\n", "I", "S", ""},
		{"loose id", "Node Credential Id,api_key\nI,S\n", "I", "S", ""},
		{"exact id beats loose", "Project ID,ID,key\nP,I,S\n", "I", "S", ""},
		{"id column never the secret", "Key ID,Value\nI,S\n", "I", "", "no secret column"},
		{"two candidates", "id,Key A,Key B\nI,S1,S2\n", "I", "", "no secret column"},
		{"other separator", "id;key\nI;S\n", "", "", "no secret column"},
		{"api key only", "API Key\nS\n", "", "S", "no id column"},
		{"json loose", `{"request_id":"R","credential":{"credential_id":"I","secret_value":"S"}}`, "I", "S", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, secret, err := ParseCredentialFile([]byte(tc.data))
			assert.Equal(t, tc.id, id)
			assert.Equal(t, tc.secret, secret)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			if tc.secret != "" {
				assert.NotContains(t, err.Error(), tc.secret)
			}
		})
	}
}
