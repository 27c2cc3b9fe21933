package compat

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

const (
	hwSDK  = "huaweicloud-sdk-go-v3 v0.1.207 core (HcHttpClient, AK/SK)"
	hwFake = "huaweibcs (NES node-provider)"
)

const credentialsPath = "/v1/{project_id}/node-provider/credentials"

// The request and response types are written as the SDK's generated
// services write theirs (model structs plus a def.HttpRequestDef); the SDK
// has no NES service.

type listCredentialsRequest struct {
	Offset *int32 `json:"offset,omitempty"`
	Limit  *int32 `json:"limit,omitempty"`
	// Marker is no parameter of the API: it carries values through the
	// SDK's query encoding and signature; the gateway verifies and the
	// service ignores it.
	Marker *string `json:"marker,omitempty"`
}

type credentialJSON struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	CreateTime  string `json:"create_time"`
	UpdateTime  string `json:"update_time"`
}

type listCredentialsResponse struct {
	Credentials    []credentialJSON `json:"credentials"`
	Count          int              `json:"count"`
	HttpStatusCode int              `json:"-"`
}

type createCredentialBody struct {
	Description string `json:"description"`
}

type createCredentialRequest struct {
	Body *createCredentialBody `json:"body,omitempty"`
}

// createCredentialResponse is a file (like the SDK's download responses).
type createCredentialResponse struct {
	HttpStatusCode int           `json:"-"`
	Body           io.ReadCloser `json:"-" type:"stream"`
}

type deleteCredentialRequest struct {
	CredentialID string `json:"credential_id"`
}

type deleteCredentialResponse struct {
	HttpStatusCode int `json:"-"`
}

func listDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().WithMethod(http.MethodGet).WithPath(credentialsPath).
		WithResponse(new(listCredentialsResponse)).WithContentType("application/json").
		WithRequestField(def.NewFieldDef().WithName("Offset").WithJsonTag("offset").WithLocationType(def.Query)).
		WithRequestField(def.NewFieldDef().WithName("Limit").WithJsonTag("limit").WithLocationType(def.Query)).
		WithRequestField(def.NewFieldDef().WithName("Marker").WithJsonTag("marker").WithLocationType(def.Query)).
		Build()
}

func createDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().WithMethod(http.MethodPost).WithPath(credentialsPath).
		WithResponse(new(createCredentialResponse)).WithContentType("application/json").
		WithRequestField(def.NewFieldDef().WithName("Body").WithLocationType(def.Body)).
		Build()
}

func deleteDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().WithMethod(http.MethodDelete).WithPath(credentialsPath + "/{credential_id}").
		WithResponse(new(deleteCredentialResponse)).WithContentType("application/json").
		WithRequestField(def.NewFieldDef().WithName("CredentialID").WithJsonTag("credential_id").WithLocationType(def.Path)).
		Build()
}

// hwClient is Huawei's HcHttpClient for srv, signing with basic.Credentials.
func hwClient(t *testing.T, srv *huaweibcstest.Server, ak, sk string) *core.HcHttpClient {
	t.Helper()
	creds, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(huaweibcstest.ProjectID).SafeBuild()
	require.NoError(t, err)
	hc, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{srv.URL()}).WithCredential(creds).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(10 * time.Second)).SafeBuild()
	require.NoError(t, err)
	return hc
}

func hwFakeAndClient(t *testing.T) (*huaweibcstest.Server, *core.HcHttpClient) {
	t.Helper()
	srv := huaweibcstest.NewServer()
	t.Cleanup(srv.Close)
	return srv, hwClient(t, srv, huaweibcstest.AccessKey, huaweibcstest.SecretKey)
}

func hwList(t *testing.T, hc *core.HcHttpClient, req *listCredentialsRequest) *listCredentialsResponse {
	t.Helper()
	resp, err := hc.Sync(req, listDef())
	require.NoError(t, err)
	return resp.(*listCredentialsResponse)
}

// hwCreate creates a credential and returns the rows of credential.csv
// from the ZIP the service answers.
func hwCreate(t *testing.T, hc *core.HcHttpClient, description string) [][]string {
	t.Helper()
	resp, err := hc.Sync(&createCredentialRequest{Body: &createCredentialBody{Description: description}}, createDef())
	require.NoError(t, err)
	r := resp.(*createCredentialResponse)
	require.Equal(t, http.StatusOK, r.HttpStatusCode)
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.NoError(t, r.Body.Close())
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	require.Equal(t, "credential.csv", zr.File[0].Name)
	f, err := zr.File[0].Open()
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	return rows
}

func serviceError(t *testing.T, err error) *sdkerr.ServiceResponseError {
	t.Helper()
	require.Error(t, err)
	var se *sdkerr.ServiceResponseError
	require.True(t, errors.As(err, &se), "%T: %v", err, err)
	return se
}

// trickyDescriptions are create descriptions (≤ 100 characters) with
// characters that JSON, the SDK and the signature must carry unchanged.
var trickyDescriptions = []string{
	"ci deploy key",
	"café 日本 ü€😀",
	"a+b/c~d*e",
	"100% & a=b?c#d",
	`<tag> "quoted" \back 'single'`,
	"tab\tand\nnewline",
	"",
}

// trickyQueryValues go through the SDK's query encoding (url.Values, "+"
// rewritten to "%20") and its canonical query (its own escape).
var trickyQueryValues = []string{"John Smith", "a+b", "a/b", "a~b", "*.example.com", "100%", "a&b=c", "café 日本", "x:y;z,!'()@$[]"}

func huaweiCases() []compatCase {
	return []compatCase{
		{hwSDK, hwFake, "list credentials (offset, limit)", caseHwList},
		{hwSDK, hwFake, "list credentials, no query", caseHwListNoQuery},
		{hwSDK, hwFake, "list with a query value with space + / ~ * % & = é 日本 : ; , ! ' ( ) @ $ [ ] (signed, ignored by the API)", caseHwQueryValues},
		{hwSDK, hwFake, "list with an empty query value (sent as `marker`, no `=`)", caseHwEmptyQueryValue},
		{hwSDK, hwFake, "create credential, description with space é 日本 😀 + / ~ * % & = ? # < > \" \\ ' tab newline, or empty", caseHwCreate},
		{hwSDK, hwFake, "create, description of 101 characters (400)", caseHwCreateTooLong},
		{hwSDK, hwFake, "delete credential", caseHwDelete},
		{hwSDK, hwFake, "delete, unknown id (404)", caseHwDeleteUnknown},
		{hwSDK, hwFake, "wrong SK (401)", caseHwWrongSK},
	}
}

func caseHwList(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	var ids []string
	for _, d := range []string{"one", "two", "three"} {
		ids = append(ids, srv.AddCredential(d).ID)
	}
	off, lim := int32(1), int32(2)
	r := hwList(t, hc, &listCredentialsRequest{Offset: &off, Limit: &lim})
	require.Equal(t, http.StatusOK, r.HttpStatusCode)
	require.Equal(t, 3, r.Count)
	require.Len(t, r.Credentials, 2)
	require.Equal(t, ids[1:], []string{r.Credentials[0].ID, r.Credentials[1].ID})
	require.Equal(t, "two", r.Credentials[0].Description)
	require.NotEmpty(t, r.Credentials[0].CreateTime)
	return pass("offset 1, limit 2 of 3: count 3, 2 items in order")
}

func caseHwListNoQuery(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	srv.AddCredential("only")
	r := hwList(t, hc, &listCredentialsRequest{})
	require.Equal(t, 1, r.Count)
	require.Len(t, r.Credentials, 1)
	return pass("count 1, 1 item")
}

func caseHwQueryValues(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	srv.AddCredential("k")
	for _, v := range trickyQueryValues {
		t.Run(v, func(t *testing.T) {
			r := hwList(t, hc, &listCredentialsRequest{Marker: &v})
			require.Equal(t, 1, r.Count)
		})
	}
	return pass("%d of %d values signed as the gateway verifies", len(trickyQueryValues), len(trickyQueryValues))
}

func caseHwEmptyQueryValue(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	srv.AddCredential("k")
	empty := ""
	lim := int32(5)
	r := hwList(t, hc, &listCredentialsRequest{Marker: &empty, Limit: &lim})
	require.Equal(t, 1, r.Count)
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	require.Equal(t, "limit=5&marker", last.RawQuery, "the SDK trims the \"=\" of empty values; the canonical query still has marker=")
	return pass("wire query `limit=5&marker`, canonical `limit=5&marker=`: accepted")
}

func caseHwCreate(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	for _, d := range trickyDescriptions {
		t.Run(d, func(t *testing.T) {
			rows := hwCreate(t, hc, d)
			require.Equal(t, []string{"Credential ID", "API Key", "Description", "Create Time"}, rows[0])
			id, secret := rows[1][0], rows[1][1]
			require.Len(t, id, 36)
			rec, ok := srv.Credential(id)
			require.True(t, ok)
			require.Equal(t, rec.Secret.Reveal(), secret)
			require.Equal(t, d, rec.Description, "the description arrived unchanged")
			require.Equal(t, d, rows[1][2])
		})
	}
	r := hwList(t, hc, &listCredentialsRequest{})
	require.Equal(t, len(trickyDescriptions), r.Count)
	for i, c := range r.Credentials {
		require.Equal(t, trickyDescriptions[i], c.Description, "listed unchanged")
	}
	return pass("%d of %d: JSON body signed, ZIP with credential.csv read from the stream body; listed unchanged", len(trickyDescriptions), len(trickyDescriptions))
}

func caseHwCreateTooLong(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	_, err := hc.Sync(&createCredentialRequest{Body: &createCredentialBody{Description: strings.Repeat("é", 101)}}, createDef())
	se := serviceError(t, err)
	require.Equal(t, http.StatusBadRequest, se.StatusCode)
	require.Equal(t, "BCS.03400001", se.ErrorCode, "error_code preferred over code")
	require.Equal(t, "Invalid request.", se.ErrorMessage)
	require.NotEmpty(t, se.RequestId)
	require.Zero(t, srv.CredentialCount())
	return pass("ServiceResponseError 400, ErrorCode BCS.03400001 (error_code, not code \"400\"), RequestId from X-Request-Id")
}

func caseHwDelete(t *testing.T) outcome {
	srv, hc := hwFakeAndClient(t)
	keep := srv.AddCredential("keep")
	doomed := srv.AddCredential("doomed")
	resp, err := hc.Sync(&deleteCredentialRequest{CredentialID: doomed.ID}, deleteDef())
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.(*deleteCredentialResponse).HttpStatusCode)
	r := hwList(t, hc, &listCredentialsRequest{})
	require.Equal(t, 1, r.Count)
	require.Equal(t, keep.ID, r.Credentials[0].ID)
	return pass("200, empty body; gone from the list")
}

func caseHwDeleteUnknown(t *testing.T) outcome {
	_, hc := hwFakeAndClient(t)
	_, err := hc.Sync(&deleteCredentialRequest{CredentialID: "11111111-2222-3333-4444-555555555555"}, deleteDef())
	se := serviceError(t, err)
	require.Equal(t, http.StatusNotFound, se.StatusCode)
	require.Equal(t, "BCS.03404001", se.ErrorCode)
	return pass("ServiceResponseError 404, ErrorCode BCS.03404001")
}

func caseHwWrongSK(t *testing.T) outcome {
	srv := huaweibcstest.NewServer()
	t.Cleanup(srv.Close)
	hc := hwClient(t, srv, huaweibcstest.AccessKey, "not-the-secret-key")
	_, err := hc.Sync(&listCredentialsRequest{}, listDef())
	se := serviceError(t, err)
	require.Equal(t, http.StatusUnauthorized, se.StatusCode)
	require.Equal(t, "APIGW.0301", se.ErrorCode)
	return pass("ServiceResponseError 401, ErrorCode APIGW.0301 (gateway body)")
}
