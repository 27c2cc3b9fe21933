package zstack_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func TestKeyManagerLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithPendingPolls(2))
	defer srv.Close()
	c := srv.Client(fast())

	caps, err := c.Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Enable: true}, caps)

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: "ci"})
	require.NoError(t, err)
	assert.Equal(t, "zstack", k.Vendor)
	assert.Len(t, k.AccessKey, 20)
	assert.Len(t, k.Secret.Reveal(), 40)
	assert.True(t, k.Enabled)
	assert.Equal(t, "ci", k.Description)
	assert.Equal(t, zstacktest.AdminAccountUUID, k.Owner)
	assert.WithinDuration(t, time.Now(), k.CreatedAt, 5*time.Second)

	got, err := c.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, k.AccessKey, got.AccessKey)
	assert.True(t, got.Secret.IsZero(), "queries carry no secret")

	require.NoError(t, c.SetKeyEnabled(ctx, k.ID, false))
	got, err = c.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.False(t, got.Enabled)
	require.NoError(t, c.SetKeyEnabled(ctx, k.ID, true))

	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: zstacktest.AdminAccountUUID}))
	require.NoError(t, err)
	require.Len(t, keys, 1)

	var stored *cloudkeys.Key
	nk, err := cloudkeys.Rotate(ctx, c, k.ID, func(_ context.Context, k *cloudkeys.Key) error { stored = k; return nil })
	require.NoError(t, err)
	require.Same(t, nk, stored)
	assert.NotEqual(t, k.ID, nk.ID)
	assert.False(t, nk.Secret.IsZero())
	_, err = c.GetKey(ctx, k.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)

	_, err = c.RotateKey(ctx, nk.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)

	require.NoError(t, c.DeleteKey(ctx, nk.ID))
	require.NoError(t, c.DeleteKey(ctx, nk.ID), "deleting an unknown uuid succeeds")
	assert.Equal(t, 0, srv.KeyCount())
}

func TestCreateKeyOwnerDefaultsToSessionAccount(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer(zstacktest.WithPendingPolls(0))
	defer srv.Close()
	k, err := srv.Client(fast()).CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
	require.NoError(t, err)
	assert.Equal(t, zstacktest.AdminAccountUUID, k.Owner)

	ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	_, err = srv.AccessKeyClient(ak.AccessKeyID, ak.Secret.Reveal(), fast()).CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
	var in *cloudkeys.InvalidInputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "Owner", in.Field)

	_, err = srv.Client(fast()).CreateKey(context.Background(), cloudkeys.CreateKeyRequest{ExpiresAt: time.Now().Add(time.Hour)})
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
}

// A create whose 202 is lost is retried with the same job id; the server
// refuses the duplicate, the client polls the first job: exactly one key.
func TestCreateExactlyOnceWhenAnswerLost(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(fast())
	_, err := c.LogIn(context.Background())
	require.NoError(t, err)
	srv.ResetRequests()

	srv.CommitThenDrop(1)
	inv, err := c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{AccountUUID: zstacktest.AdminAccountUUID})
	require.NoError(t, err)
	require.Equal(t, 1, srv.KeyCount())
	assert.Equal(t, srv.AccessKeys()[0].UUID, inv.UUID)
	assert.True(t, srv.AccessKeys()[0].Secret.Equal(inv.AccessKeySecret))

	var posts []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts = append(posts, r.Header.Get("X-Job-UUID"))
		}
	}
	require.Len(t, posts, 2, "the lost create was retried")
	assert.Equal(t, posts[0], posts[1], "with the same job id")
	assert.Len(t, posts[0], 32)
}

// Without retries the lost create is reported as an unknown outcome naming
// the job, which WaitJob then resolves; still exactly one key.
func TestCreateLostWithoutRetriesIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	_, err := c.LogIn(context.Background())
	require.NoError(t, err)

	srv.CommitThenDrop(1)
	_, err = c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{AccountUUID: zstacktest.AdminAccountUUID})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	var ou *zstack.JobOutcomeUnknownError
	require.ErrorAs(t, err, &ou)
	assert.Equal(t, 1, srv.KeyCount())

	var res struct {
		Inventory struct {
			UUID string `json:"uuid"`
		} `json:"inventory"`
	}
	require.NoError(t, c.WaitJob(context.Background(), ou.JobUUID, &res))
	assert.Equal(t, srv.AccessKeys()[0].UUID, res.Inventory.UUID)
}

func TestJobFailureAndExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(fast())

	// A job that fails: 202, then 503 with SYS.1007, never retried.
	_, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: "00000000000000000000000000000000"})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "SYS.1007", ae.Code)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, 1, ae.Attempts)
	assert.Equal(t, "CreateAccessKey", ae.Operation)

	// A result older than 3 hours is gone: 404 text.
	var jobID string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			jobID = r.Header.Get("X-Job-UUID")
		}
	}
	srv.Clock().Advance(3*time.Hour + time.Minute)
	err = c.WaitJob(ctx, jobID, nil)
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
	assert.Contains(t, ae.Message, "the job has been expired")
}

func TestChangeStateNotFound(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer()
	defer srv.Close()
	err := srv.Client(fast()).SetKeyEnabled(context.Background(), "0123456789abcdef0123456789abcdef", false)
	require.ErrorIs(t, err, cloudkeys.ErrNotFound)
	assert.Equal(t, "SYS.1003", errCode(err))
}

func errCode(err error) string {
	var ae *cloudkeys.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}
