package reliability

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// FuzzAPI<Vendor> does for every exported vendor-specific method (the
// surface beyond KeyManager: logins, sessions, user and account APIs, token
// verification) what FuzzResponses<Vendor> does for the KeyManager path:
// it runs one method against a fresh in-memory fake, its state prepared by
// an unswapped client, and replaces the answer to one of the method's
// requests with a fuzzed status and body (optionally keeping the real
// answer's headers). No method may panic, and none may return a nil result
// with a nil error. The seeds are the fake's real answers to every method.

// apiCall is one vendor method, bound to a prepared fake and a client whose
// requests go through the swap transport.
type apiCall struct {
	name string
	run  func(ctx context.Context) (any, error)
}

// apiSuite starts a fresh in-memory fake, prepares it and returns the calls
// and a function that closes the fake.
type apiSuite func(sw *swapTransport) ([]apiCall, func())

func swapOpts(sw *swapTransport) []cloudkeys.Option {
	return []cloudkeys.Option{cloudkeys.WithHTTPClient(&http.Client{Transport: sw}), cloudkeys.WithRetry(noRetry)}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic("api fuzz fixture: " + err.Error())
	}
	return v
}

// collect drains a list iterator.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// nilResult reports a nil pointer or map returned as a result (a nil slice
// is an empty list, which is a fine answer).
func nilResult(v any) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map:
		return rv.IsNil()
	}
	return false
}

func fuzzAPI(f *testing.F, suite apiSuite) {
	ctx := context.Background()
	calls, closeFn := suite(&swapTransport{target: -1})
	n := len(calls)
	closeFn()
	for op := range n {
		var rec []recorded
		sw := &swapTransport{target: -1}
		calls, closeFn := suite(sw)
		sw.mu.Lock()
		sw.n, sw.record = 0, &rec
		sw.mu.Unlock()
		_, _ = calls[op].run(ctx)
		closeFn()
		for i, a := range rec {
			f.Add(uint8(op), uint8(i), uint16(a.status-200), a.body)
			f.Add(uint8(op), uint8(i)|realAnswer, uint16(a.status-200), a.body)
		}
	}
	f.Add(uint8(0), uint8(0), uint16(302), []byte(htmlBadGateway))
	f.Add(uint8(0), uint8(0), uint16(0), []byte{})
	f.Fuzz(func(t *testing.T, op, target uint8, status uint16, body []byte) {
		sw := &swapTransport{target: -1}
		calls, closeFn := suite(sw)
		defer closeFn()
		sw.mu.Lock()
		sw.n = 0
		sw.target, sw.real, sw.status, sw.body = int(target%8), target&realAnswer != 0, 200+int(status%400), body
		sw.mu.Unlock()
		c := calls[int(op)%len(calls)]
		v, err := c.run(ctx)
		if err == nil && nilResult(v) {
			t.Fatalf("%s: nil result and nil error", c.name)
		}
	})
}

// apiSuites holds every vendor's API suite, by vendor name; each has a
// FuzzAPI<Vendor> target below (TestEveryVendorIsInTheSuites checks both).
var apiSuites = map[string]apiSuite{
	"cloudstack": cloudStackAPI, "zstack": zstackAPI, "e24": e24API, "huaweibcs": huaweiAPI, "onezone": onezoneAPI,
}

func FuzzAPICloudStack(f *testing.F) { fuzzAPI(f, apiSuites["cloudstack"]) }
func FuzzAPIZStack(f *testing.F)     { fuzzAPI(f, apiSuites["zstack"]) }
func FuzzAPIE24(f *testing.F)        { fuzzAPI(f, apiSuites["e24"]) }
func FuzzAPIHuawei(f *testing.F)     { fuzzAPI(f, apiSuites["huaweibcs"]) }
func FuzzAPIOnezone(f *testing.F)    { fuzzAPI(f, apiSuites["onezone"]) }

// TestAPISuitesSucceedUnswapped proves the fixtures are real: with no answer
// replaced every method succeeds, so the seeds are successful answers.
func TestAPISuitesSucceedUnswapped(t *testing.T) {
	t.Parallel()
	for name, suite := range apiSuites {
		calls, closeFn := suite(&swapTransport{target: -1})
		closeFn()
		for i := range calls {
			calls, closeFn := suite(&swapTransport{target: -1})
			c := calls[i]
			v, err := c.run(context.Background())
			closeFn()
			if err != nil {
				t.Errorf("%s %s: %v", name, c.name, err)
			} else if nilResult(v) {
				t.Errorf("%s %s: nil result", name, c.name)
			}
		}
	}
}

func cloudStackAPI(sw *swapTransport) ([]apiCall, func()) {
	ctx := context.Background()
	srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithVersion("4.23.0.0"))
	sw.base = srv.Transport()
	admin := srv.AdminID()
	// Both clients sign with the seeded pair; the fake's Client would
	// otherwise pick the newest pair, kp, which DeleteUserKeys removes.
	setup := srv.Client(cloudkeys.WithRetry(noRetry))
	c := srv.Client(swapOpts(sw)...)
	kp := must(setup.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: admin, Name: "fuzz-seed"}))
	var jobID string
	for _, r := range srv.Requests() {
		if q, err := url.ParseQuery(r.RawQuery + "&" + string(r.Body)); err == nil && q.Get("jobid") != "" {
			jobID = q.Get("jobid")
		}
	}
	if jobID == "" {
		panic("api fuzz fixture: registerUserKeys polled no job")
	}
	const password = "CloudStack-Fuzz-Pass-42"
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "fuzzadmin", Password: password, AccountType: cloudstacktest.AccountTypeAdmin})
	login := must(srv.ClientWith(cloudstack.Login(u.Username, password, "/"), swapOpts(sw)...))
	return []apiCall{
		{"Login", func(ctx context.Context) (any, error) { return login.Login(ctx) }},
		{"Logout", func(ctx context.Context) (any, error) {
			if _, err := login.Login(ctx); err != nil {
				return nil, err
			}
			return nil, login.Logout(ctx)
		}},
		{"GetUserKeys", func(ctx context.Context) (any, error) { return c.GetUserKeys(ctx, admin) }},
		{"RegisterUserKeys", func(ctx context.Context) (any, error) {
			return c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: admin, Name: "fuzz-new", Description: "fuzz"})
		}},
		{"ListUserKeys", func(ctx context.Context) (any, error) {
			return collect(c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{UserID: admin, PageSize: 1}))
		}},
		{"ListUserKeysPage", func(ctx context.Context) (any, error) {
			return c.ListUserKeysPage(ctx, cloudstack.ListUserKeysOptions{UserID: admin, PageSize: 1})
		}},
		{"DeleteUserKeys", func(ctx context.Context) (any, error) { return nil, c.DeleteUserKeys(ctx, kp.ID) }},
		{"ListUserKeyRules", func(ctx context.Context) (any, error) { return c.ListUserKeyRules(ctx, kp.ID) }},
		{"ListUsers", func(ctx context.Context) (any, error) {
			return collect(c.ListUsers(ctx, cloudstack.ListUsersOptions{}))
		}},
		{"ListUsersPage", func(ctx context.Context) (any, error) {
			return c.ListUsersPage(ctx, cloudstack.ListUsersOptions{PageSize: 1})
		}},
		{"GetUserByAPIKey", func(ctx context.Context) (any, error) { return c.GetUserByAPIKey(ctx, kp.APIKey) }},
		{"ListCapabilities", func(ctx context.Context) (any, error) { return c.ListCapabilities(ctx) }},
		{"ServerVersion", func(ctx context.Context) (any, error) { return c.ServerVersion(ctx) }},
		{"QueryAsyncJobResult", func(ctx context.Context) (any, error) { return c.QueryAsyncJobResult(ctx, jobID) }},
	}, srv.Close
}

func zstackAPI(sw *swapTransport) ([]apiCall, func()) {
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	sw.base = srv.Transport()
	acct := zstacktest.AdminAccountUUID
	ak := srv.SeedAccessKey(acct)
	srv.SeedAccessKey(acct)
	const userPassword = "ZStack-Fuzz-User-42"
	srv.CreateUser(acct, "fuzzuser", userPassword)
	setup := srv.Client(cloudkeys.WithRetry(noRetry))
	sess := must(setup.LogIn(ctx))
	sessID := sess.UUID.Reveal()
	c := srv.Client(swapOpts(sw)...)
	return []apiCall{
		{"LogIn", func(ctx context.Context) (any, error) { return c.LogIn(ctx) }},
		{"LogInByAccount", func(ctx context.Context) (any, error) {
			return c.LogInByAccount(ctx, zstacktest.AdminAccountName, zstacktest.AdminPassword)
		}},
		{"LogInByUser", func(ctx context.Context) (any, error) {
			return c.LogInByUser(ctx, zstacktest.AdminAccountName, "fuzzuser", userPassword)
		}},
		{"ValidateSession", func(ctx context.Context) (any, error) { return c.ValidateSession(ctx, sessID) }},
		{"RenewSession", func(ctx context.Context) (any, error) { return c.RenewSession(ctx, sessID, time.Hour) }},
		{"LogOut", func(ctx context.Context) (any, error) { return nil, c.LogOut(ctx, sessID) }},
		{"CreateAccessKey", func(ctx context.Context) (any, error) {
			return c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: acct, Description: "fuzz"})
		}},
		{"DeleteAccessKey", func(ctx context.Context) (any, error) {
			return nil, c.DeleteAccessKey(ctx, ak.UUID, zstack.DeletePermissive)
		}},
		{"ChangeAccessKeyState", func(ctx context.Context) (any, error) {
			return c.ChangeAccessKeyState(ctx, ak.UUID, zstack.StateEventDisable)
		}},
		{"QueryAccessKeysPage", func(ctx context.Context) (any, error) {
			return c.QueryAccessKeysPage(ctx, zstack.Query{Conditions: []zstack.Condition{zstack.Eq("accountUuid", acct)}, ReplyWithCount: true})
		}},
		{"CountAccessKeys", func(ctx context.Context) (any, error) { return c.CountAccessKeys(ctx) }},
		{"QueryAccessKeys", func(ctx context.Context) (any, error) {
			return collect(c.QueryAccessKeys(ctx, zstack.Query{Limit: 1}))
		}},
		{"GetAccessKey", func(ctx context.Context) (any, error) { return c.GetAccessKey(ctx, ak.UUID) }},
	}, srv.Close
}

func e24API(sw *swapTransport) ([]apiCall, func()) {
	ctx := context.Background()
	srv := e24test.NewServer(e24test.WithInMemory())
	sw.base = srv.Transport()
	extra, _ := srv.AddAPIKey()
	srv.AddUser("fuzz-1@example.com", "E24-Fuzz-Password-1")
	srv.AddUser("fuzz-2@example.com", "E24-Fuzz-Password-2")
	setup := srv.Client(cloudkeys.WithRetry(noRetry))
	ssh := must(setup.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "fuzz-seed", Method: e24.SSHKeyGenerate}))
	c := srv.Client(swapOpts(sw)...)
	return []apiCall{
		{"GetAccount", func(ctx context.Context) (any, error) { return c.GetAccount(ctx) }},
		{"UpdateAccount", func(ctx context.Context) (any, error) {
			return nil, c.UpdateAccount(ctx, e24.UpdateAccountRequest{FirstName: "Fuzz"})
		}},
		{"ListAccountsPage", func(ctx context.Context) (any, error) {
			return c.ListAccountsPage(ctx, e24.ListAccountsOptions{PageSize: 10})
		}},
		{"ListAccounts", func(ctx context.Context) (any, error) {
			return collect(c.ListAccounts(ctx, e24.ListAccountsOptions{PageSize: 1}))
		}},
		{"CreateAccount", func(ctx context.Context) (any, error) {
			return c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "fuzz-new@example.com", Password: cloudkeys.NewSecret("E24-Fuzz-Password-3")})
		}},
		{"CreateAPIKey", func(ctx context.Context) (any, error) { return c.CreateAPIKey(ctx) }},
		{"RegenerateAPISecret", func(ctx context.Context) (any, error) { return c.RegenerateAPISecret(ctx, extra) }},
		{"DeleteAPIKey", func(ctx context.Context) (any, error) { return nil, c.DeleteAPIKey(ctx, extra) }},
		{"RegenerateFilesSecret", func(ctx context.Context) (any, error) { return c.RegenerateFilesSecret(ctx, "") }},
		{"AddSSHKey", func(ctx context.Context) (any, error) {
			return c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "fuzz-new", Method: e24.SSHKeyGenerate})
		}},
		{"DeleteSSHKey", func(ctx context.Context) (any, error) { return nil, c.DeleteSSHKey(ctx, ssh.ID) }},
	}, srv.Close
}

func huaweiAPI(sw *swapTransport) ([]apiCall, func()) {
	srv := huaweibcstest.NewServer(huaweibcstest.WithInMemory())
	sw.base = srv.Transport()
	cred := srv.AddCredential("fuzz seed")
	srv.AddCredential("fuzz seed 2")
	c := srv.Client(swapOpts(sw)...)
	tc := srv.TokenClient(swapOpts(sw)...)
	return []apiCall{
		{"ListCredentialsPage", func(ctx context.Context) (any, error) {
			return c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Limit: 10})
		}},
		{"ListCredentials", func(ctx context.Context) (any, error) {
			return collect(c.ListCredentials(ctx, huaweibcs.ListCredentialsOptions{}))
		}},
		{"CreateCredential", func(ctx context.Context) (any, error) {
			return c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "fuzz"})
		}},
		{"DeleteCredential", func(ctx context.Context) (any, error) { return nil, c.DeleteCredential(ctx, cred.ID) }},
		{"ListCredentialsPage/token", func(ctx context.Context) (any, error) {
			return tc.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Limit: 10})
		}},
	}, srv.Close
}

func onezoneAPI(sw *swapTransport) ([]apiCall, func()) {
	ctx := context.Background()
	srv := onezonetest.NewServer(onezonetest.WithInMemory())
	sw.base = srv.Transport()
	setup := srv.Client(cloudkeys.WithRetry(noRetry))
	hour := srv.Now().Add(time.Hour)
	named := must(setup.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "fuzz-seed"}))
	temp := must(setup.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{
		Caveats: onezone.Caveats{onezone.Until(hour)},
	}))
	identity := must(setup.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{
		Type: &onezone.TokenType{Identity: &onezone.IdentityToken{}}, Caveats: onezone.Caveats{onezone.Until(hour)},
	}))
	invite := must(setup.CreateProviderRegistrationInvite(ctx, srv.AdminID(), hour))
	c := srv.Client(swapOpts(sw)...)
	newName := "fuzz-renamed"
	return []apiCall{
		{"CreateNamedToken", func(ctx context.Context) (any, error) {
			return c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "fuzz-new"})
		}},
		{"ListNamedTokensPage", func(ctx context.Context) (any, error) { return c.ListNamedTokensPage(ctx, onezone.CurrentUser()) }},
		{"ListNamedTokens", func(ctx context.Context) (any, error) { return collect(c.ListNamedTokens(ctx, onezone.CurrentUser())) }},
		{"ListAllNamedTokensPage", func(ctx context.Context) (any, error) { return c.ListAllNamedTokensPage(ctx) }},
		{"ListAllNamedTokens", func(ctx context.Context) (any, error) { return collect(c.ListAllNamedTokens(ctx)) }},
		{"GetNamedToken", func(ctx context.Context) (any, error) { return c.GetNamedToken(ctx, named.TokenID) }},
		{"GetNamedTokenByName", func(ctx context.Context) (any, error) {
			return c.GetNamedTokenByName(ctx, onezone.CurrentUser(), "fuzz-seed")
		}},
		{"ModifyNamedToken", func(ctx context.Context) (any, error) {
			return nil, c.ModifyNamedToken(ctx, named.TokenID, onezone.NamedTokenUpdateRequest{Name: &newName})
		}},
		{"DeleteNamedToken", func(ctx context.Context) (any, error) { return nil, c.DeleteNamedToken(ctx, named.TokenID) }},
		{"DeleteAllNamedTokens", func(ctx context.Context) (any, error) {
			return nil, c.DeleteAllNamedTokens(ctx, onezone.CurrentUser())
		}},
		{"GetNamedTokenStatus", func(ctx context.Context) (any, error) { return c.GetNamedTokenStatus(ctx, named.TokenID) }},
		{"CreateProviderRegistrationToken", func(ctx context.Context) (any, error) {
			//lint:ignore SA1019 the deprecated endpoint is fuzzed on purpose
			return c.CreateProviderRegistrationToken(ctx, "")
		}},
		{"CreateProviderRegistrationInvite", func(ctx context.Context) (any, error) {
			return c.CreateProviderRegistrationInvite(ctx, srv.AdminID(), hour)
		}},
		{"CreateTemporaryToken", func(ctx context.Context) (any, error) {
			return c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(hour)}})
		}},
		{"GetTemporaryTokenGeneration", func(ctx context.Context) (any, error) {
			return c.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser())
		}},
		{"RevokeAllTemporaryTokens", func(ctx context.Context) (any, error) {
			return nil, c.RevokeAllTemporaryTokens(ctx, onezone.CurrentUser())
		}},
		{"ExamineToken", func(ctx context.Context) (any, error) { return c.ExamineToken(ctx, temp) }},
		{"ConfineToken", func(ctx context.Context) (any, error) {
			return c.ConfineToken(ctx, named.Token, onezone.Caveats{onezone.Until(hour)})
		}},
		{"VerifyAccessToken", func(ctx context.Context) (any, error) {
			return c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: named.Token})
		}},
		{"VerifyIdentityToken", func(ctx context.Context) (any, error) {
			return c.VerifyIdentityToken(ctx, onezone.VerifyIdentityTokenRequest{Token: identity})
		}},
		{"VerifyInviteToken", func(ctx context.Context) (any, error) {
			return c.VerifyInviteToken(ctx, onezone.VerifyInviteTokenRequest{Token: invite, ExpectedInviteType: onezone.RegisterOneprovider})
		}},
		{"InferAccessTokenScope", func(ctx context.Context) (any, error) {
			return c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: named.Token})
		}},
		{"GetConfiguration", func(ctx context.Context) (any, error) { return c.GetConfiguration(ctx) }},
		{"GetCurrentTime", func(ctx context.Context) (any, error) { return c.GetCurrentTime(ctx) }},
	}, srv.Close
}
