package cloudstack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// printVerbs are the fmt verbs a user may print a value with.
var printVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"}

// printAll returns v printed with every verb, directly and nested in
// structs, slices and maps (where fmt's error paths call no methods on
// unexported fields), and logged with slog.
func printAll(v any) string {
	type holder struct {
		inner any
		slice []any
	}
	var b strings.Builder
	for _, verb := range printVerbs {
		for _, x := range []any{v, holder{inner: v, slice: []any{v}}, &holder{inner: v}, []any{v}, map[string]any{"k": v}} {
			b.WriteString(fmt.Sprintf(verb, x))
			b.WriteByte('\n')
		}
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "v", v)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "v", v)
	b.WriteString(logs.String())
	return b.String()
}

// TestClientPrintsNoCredentials prints a *Client in every credential mode
// (after it has logged in, in Login mode), and structs that hold
// Credentials in an unexported field: no API key, secret key, password,
// session key or JSESSIONID shows.
func TestClientPrintsNoCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, admin := newFake(t)
	const password = "Pa55-word~never-printed"
	srv.AddUser(cloudstacktest.UserSpec{Username: "printer", Password: password})
	apiKey, secretKey := srv.AdminAPIKey(), srv.AdminSecretKey().Reveal()

	login := clientAs(t, srv, cloudstack.Login("printer", password, "/"))
	_, err := login.Login(ctx)
	require.NoError(t, err)
	// The session cookies go with the next request.
	_, err = login.ListCapabilities(ctx)
	require.NoError(t, err)
	var sessionSecrets []string
	for _, r := range srv.Requests() {
		for _, ck := range (&http.Request{Header: r.Header}).Cookies() {
			sessionSecrets = append(sessionSecrets, ck.Value)
		}
	}
	require.Len(t, sessionSecrets, 2, "JSESSIONID and sessionkey")

	integ, err := cloudstack.New(srv.APIURL(), cloudstack.IntegrationPort())
	require.NoError(t, err)

	type config struct {
		name  string
		creds cloudstack.Credentials
	}
	type clientHolder struct {
		c *cloudstack.Client
	}
	values := map[string]any{
		"apikey client":            admin,
		"login client":             login,
		"integration client":       integ,
		"client in a struct":       clientHolder{c: login},
		"apikey creds unexported":  config{name: "a", creds: cloudstack.APIKey(apiKey, secretKey)},
		"login creds unexported":   config{name: "l", creds: cloudstack.Login("printer", password, "/")},
		"apikey creds":             cloudstack.APIKey(apiKey, secretKey),
		"login creds":              cloudstack.Login("printer", password, "/"),
		"creds pointer unexported": struct{ p *cloudstack.Credentials }{p: new(cloudstack.Credentials)},
		"apikey client raw state":  admin.RawState(),
		"login client raw state":   login.RawState(),
	}
	secrets := append([]string{apiKey, secretKey, password}, sessionSecrets...)
	for name, v := range values {
		out := printAll(v)
		for i, s := range secrets {
			require.NotEmpty(t, s)
			assert.False(t, strings.Contains(out, s), "%s printed secret #%d", name, i)
		}
	}

	// A client still says where it talks to.
	for _, verb := range printVerbs[:4] {
		assert.Equal(t, "cloudstack.Client("+srv.APIURL()+")", fmt.Sprintf(verb, admin), verb)
	}
	var nilClient *cloudstack.Client
	assert.Equal(t, "cloudstack.Client(nil)", fmt.Sprint(nilClient))
}

// TestAsyncJobResultPrintsNoSecret: the result of a 4.23 registerUserKeys
// job holds the new secret key; no fmt verb, slog or JSON shows it, and
// Decode still reads it.
func TestAsyncJobResultPrintsNoSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "jobs"})
	kp, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID, Name: "job"})
	require.NoError(t, err)
	secret := kp.SecretKey.Reveal()
	require.NotEmpty(t, secret)

	var jobID string
	for _, r := range srv.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("command") == "queryAsyncJobResult" {
			jobID = q.Get("jobid")
		}
	}
	require.NotEmpty(t, jobID, "registerUserKeys answered with a job")
	res, err := c.QueryAsyncJobResult(ctx, jobID)
	require.NoError(t, err)
	require.Equal(t, cloudstack.JobSucceeded, res.JobStatus)

	out := printAll(res) + printAll(*res)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	out += string(b)
	assert.False(t, strings.Contains(out, secret), "a job result printed the new secret key")
	assert.Contains(t, fmt.Sprintf("%+v", res), jobID, "the job's own fields still print")

	// The result can still be read.
	var got struct {
		UserKeys struct {
			APIKey    string           `json:"apikey"`
			SecretKey cloudkeys.Secret `json:"secretkey"`
		} `json:"userkeys"`
	}
	require.NoError(t, res.Decode(&got))
	assert.Equal(t, kp.APIKey, got.UserKeys.APIKey)
	assert.Equal(t, secret, got.UserKeys.SecretKey.Reveal())
}
