package fakeserver

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inBubbleModes are the modes usable inside a testing/synctest bubble.
var inBubbleModes = []struct {
	name string
	opts Options
}{
	{"in-memory", Options{InMemory: true}},
	{"in-memory TLSHTTP2", Options{InMemory: true, TLS: TLSHTTP2}},
	{"in-memory TLSHTTP1", Options{InMemory: true, TLS: TLSHTTP1}},
}

func TestInMemoryModesInASynctestBubble(t *testing.T) {
	t.Parallel()
	for _, m := range inBubbleModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := &counting{}
				s := New(h, m.opts)
				defer s.Close()
				c := &http.Client{Transport: s.Transport()}
				defer closeIdle(c)

				resp, body, err := do(c, oneShot(context.Background(), s.URL()+"/keys", "{}"))
				require.NoError(t, err)
				assert.Equal(t, "ok 1", body)
				wantProto := map[TLSMode]string{PlainHTTP: "HTTP/1.1", TLSHTTP2: "HTTP/2.0", TLSHTTP1: "HTTP/1.1"}[m.opts.TLS]
				assert.Equal(t, wantProto, resp.Proto)
				assert.Equal(t, wantProto, s.Requests()[0].Proto)
				if m.opts.TLS != PlainHTTP {
					assert.True(t, strings.HasPrefix(s.URL(), "https://"))
					require.NotNil(t, resp.TLS)
					assert.Equal(t, 1, s.Connections())
				}

				// A stalled answer blocks durably: fake time runs to the deadline.
				s.FailNextWith(1, Fault{StallHeaders: true})
				start := time.Now()
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				_, err = c.Do(oneShot(ctx, s.URL()+"/keys", "{}"))
				cancel()
				require.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, time.Minute, time.Since(start))
				synctest.Wait()

				// So does a stalled body.
				s.FailNextWith(1, Fault{StallBody: true, StallAfter: 2})
				start = time.Now()
				ctx, cancel = context.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				resp, err = c.Do(oneShot(ctx, s.URL()+"/keys", "{}"))
				require.NoError(t, err)
				b, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				require.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, "ok", string(b))
				assert.Equal(t, time.Hour, time.Since(start))
				assert.Equal(t, int32(2), h.n.Load())

				// A cut body fails with io.ErrUnexpectedEOF.
				s.FailNextWith(1, Fault{CutBody: true, CutAfter: 1})
				resp, err = c.Do(oneShot(context.Background(), s.URL()+"/keys", "{}"))
				require.NoError(t, err)
				b, err = io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				require.ErrorIs(t, err, io.ErrUnexpectedEOF)
				assert.Equal(t, "o", string(b))

				// The server still answers; Close ends a request in flight.
				_, body, err = do(c, oneShot(context.Background(), s.URL()+"/keys", "{}"))
				require.NoError(t, err)
				assert.Equal(t, "ok 4", body)
				s.FailNextWith(1, Fault{StallHeaders: true})
				errc := make(chan error, 1)
				go func() {
					_, err := c.Do(oneShot(context.Background(), s.URL()+"/keys", "{}"))
					errc <- err
				}()
				synctest.Wait() // the request is stalled
				s.Close()
				require.Error(t, <-errc)
				_, err = c.Get(s.URL())
				require.Error(t, err, "a closed server refuses")
			})
		})
	}
}

func TestInMemoryDelayIsFakeTime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := New(&counting{}, Options{InMemory: true, TLS: TLSHTTP2})
		defer s.Close()
		c := &http.Client{Transport: s.Transport()}
		defer closeIdle(c)
		s.SetDelay(10 * time.Second)
		start := time.Now()
		_, body, err := do(c, httpGet(s.URL()+"/x"))
		require.NoError(t, err)
		assert.Equal(t, "ok 1", body)
		assert.Equal(t, 10*time.Second, time.Since(start))
	})
}
