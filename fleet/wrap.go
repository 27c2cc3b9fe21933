package fleet

import (
	"context"
	"iter"

	"github.com/cloudkeys/cloudkeys"
)

// hooks intercept the calls of a wrapped KeyManager; a nil hook passes the
// call through.
type hooks struct {
	// wait is called before every call (n = 1), and for ListKeys before
	// the list and after every page of keys (see pageHint).
	wait     func(ctx context.Context) error
	pageHint int // keys per request of ListKeys, for wait; 0: one request

	create func(ctx context.Context, req cloudkeys.CreateKeyRequest, do func(context.Context, cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error)) (*cloudkeys.Key, error)
	delete func(ctx context.Context, id string, do func(context.Context, string) error) error
	rotate func(ctx context.Context, id string, do func(context.Context, string) (*cloudkeys.Key, error)) (*cloudkeys.Key, error)
}

// wrapped is a KeyManager that runs hooks around inner's calls.
type wrapped struct {
	inner cloudkeys.KeyManager
	h     hooks
}

// wrap returns a KeyManager that runs h around inner's calls and that
// implements [cloudkeys.KeyReplacer] and [cloudkeys.CredentialRotator]
// exactly when inner does, so that [cloudkeys.Rotate] behaves the same
// through it (restrictions carried over, the own credential switched).
func wrap(inner cloudkeys.KeyManager, h hooks) cloudkeys.KeyManager {
	w := &wrapped{inner: inner, h: h}
	_, rep := inner.(cloudkeys.KeyReplacer)
	_, rot := inner.(cloudkeys.CredentialRotator)
	switch {
	case rep && rot:
		return &wrappedBoth{w}
	case rep:
		return &wrappedReplacer{w}
	case rot:
		return &wrappedRotator{w}
	}
	return w
}

func (w *wrapped) wait(ctx context.Context) error {
	if w.h.wait == nil {
		return nil
	}
	return w.h.wait(ctx)
}

func (w *wrapped) Vendor() string { return w.inner.Vendor() }

func (w *wrapped) Capabilities(ctx context.Context) (cloudkeys.Capabilities, error) {
	if err := w.wait(ctx); err != nil {
		return cloudkeys.Capabilities{}, err
	}
	return w.inner.Capabilities(ctx)
}

func (w *wrapped) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	return w.createWith(ctx, req, w.inner.CreateKey)
}

func (w *wrapped) createWith(ctx context.Context, req cloudkeys.CreateKeyRequest, create func(context.Context, cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error)) (*cloudkeys.Key, error) {
	do := func(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
		if err := w.wait(ctx); err != nil {
			return nil, err
		}
		return create(ctx, req)
	}
	if w.h.create != nil {
		return w.h.create(ctx, req, do)
	}
	return do(ctx, req)
}

func (w *wrapped) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	if err := w.wait(ctx); err != nil {
		return nil, err
	}
	return w.inner.GetKey(ctx, id)
}

func (w *wrapped) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		if err := w.wait(ctx); err != nil {
			yield(nil, err)
			return
		}
		n := 0
		for k, err := range w.inner.ListKeys(ctx, opts) {
			if !yield(k, err) || err != nil {
				return
			}
			n++
			if w.h.pageHint > 0 && n%w.h.pageHint == 0 {
				if err := w.wait(ctx); err != nil {
					yield(nil, err)
					return
				}
			}
		}
	}
}

func (w *wrapped) DeleteKey(ctx context.Context, id string) error {
	do := func(ctx context.Context, id string) error {
		if err := w.wait(ctx); err != nil {
			return err
		}
		return w.inner.DeleteKey(ctx, id)
	}
	if w.h.delete != nil {
		return w.h.delete(ctx, id, do)
	}
	return do(ctx, id)
}

func (w *wrapped) RotateKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	do := func(ctx context.Context, id string) (*cloudkeys.Key, error) {
		if err := w.wait(ctx); err != nil {
			return nil, err
		}
		return w.inner.RotateKey(ctx, id)
	}
	if w.h.rotate != nil {
		return w.h.rotate(ctx, id, do)
	}
	return do(ctx, id)
}

func (w *wrapped) SetKeyEnabled(ctx context.Context, id string, enabled bool) error {
	if err := w.wait(ctx); err != nil {
		return err
	}
	return w.inner.SetKeyEnabled(ctx, id, enabled)
}

func (w *wrapped) replaceKey(ctx context.Context, old *cloudkeys.Key, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	r := w.inner.(cloudkeys.KeyReplacer)
	return w.createWith(ctx, req, func(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
		return r.ReplaceKey(ctx, old, req)
	})
}

func (w *wrapped) credentialKeyID(ctx context.Context) (string, error) {
	if err := w.wait(ctx); err != nil {
		return "", err
	}
	return w.inner.(cloudkeys.CredentialRotator).CredentialKeyID(ctx)
}

func (w *wrapped) useCredential(k *cloudkeys.Key) error {
	return w.inner.(cloudkeys.CredentialRotator).UseCredential(k)
}

type wrappedReplacer struct{ *wrapped }

func (w *wrappedReplacer) ReplaceKey(ctx context.Context, old *cloudkeys.Key, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	return w.replaceKey(ctx, old, req)
}

type wrappedRotator struct{ *wrapped }

func (w *wrappedRotator) CredentialKeyID(ctx context.Context) (string, error) {
	return w.credentialKeyID(ctx)
}
func (w *wrappedRotator) UseCredential(k *cloudkeys.Key) error { return w.useCredential(k) }

type wrappedBoth struct{ *wrapped }

func (w *wrappedBoth) ReplaceKey(ctx context.Context, old *cloudkeys.Key, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	return w.replaceKey(ctx, old, req)
}
func (w *wrappedBoth) CredentialKeyID(ctx context.Context) (string, error) {
	return w.credentialKeyID(ctx)
}
func (w *wrappedBoth) UseCredential(k *cloudkeys.Key) error { return w.useCredential(k) }
