// Package config holds the settings that cloudkeys.Option values write and
// that internal/transport and the vendor packages read.
//
// cloudkeys.Option is opaque: its one method is unexported, so neither
// users nor the other packages of this module can implement or apply it.
// Package cloudkeys connects it to this package in its init, through
// [NewOption] and [ApplyOption]; internal/transport wraps both with the
// cloudkeys.Option type (transport.Option, transport.Resolve), and a vendor
// package defines its own options with transport.Option and records their
// values with [Settings.SetVendor] under a key type of its own.
package config

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"
)

// Retry mirrors cloudkeys.RetryPolicy without importing the root package.
type Retry struct {
	MaxAttempts int
	MinWait     time.Duration
	MaxWait     time.Duration
}

// Settings are the resolved options of one client.
type Settings struct {
	HTTPClient       *http.Client
	Logger           *slog.Logger
	Retry            Retry
	RetrySet         bool
	UserAgent        string
	Clock            func() time.Time
	MaxResponseBytes int64
	TLSConfig        *tls.Config // for the pooled transport; nil: Go's defaults

	// Waiting bounds per attempt; nil: the default (none with a client's
	// own http.Client). A zero value disables the bound.
	ResponseHeaderTimeout *time.Duration
	BodyReadTimeout       *time.Duration

	// RetryBudget is how many retries a full budget allows; nil: the
	// default, 0: no budget.
	RetryBudget *int

	// Vendor holds the values of vendor options (zstack.WithServerLocation,
	// cloudstack.WithPollInterval, ...), each under a key its vendor package
	// declares (see SetVendor). A vendor reads only its own keys, so the
	// options of one vendor given to another vendor's client are ignored.
	Vendor map[any]any

	// Errs collects option values that were invalid; New reports them.
	Errs []error
}

// SetVendor records the value of a vendor option under key, a comparable
// value of a type the vendor package declares (e.g. struct{} types), so
// that no other package can read or overwrite it by accident. A later
// option with the same key wins.
func (s *Settings) SetVendor(key, value any) {
	if s.Vendor == nil {
		s.Vendor = make(map[any]any)
	}
	s.Vendor[key] = value
}

// VendorValue returns the value recorded under key by SetVendor, and
// whether there is one of type T.
func VendorValue[T any](s *Settings, key any) (T, bool) {
	v, ok := s.Vendor[key].(T)
	return v, ok
}

// ServerLocation is the key of the time zone of a server that sends and
// expects zone-less local times (ZStack), a *time.Location: written by
// zstack.WithServerLocation and by the deprecated
// cloudkeys.WithServerLocation, which cannot name a key of package zstack.
type ServerLocation struct{}

// The bridge to cloudkeys.Option, set by package cloudkeys in its init
// (this package cannot name the type: cloudkeys imports it). Use them
// through internal/transport, which gives them their types.
var (
	// NewOption returns a cloudkeys.Option (as any) that applies fn.
	NewOption func(fn func(*Settings)) any
	// ApplyOption applies opt, a cloudkeys.Option (as any), to s; a nil
	// Option is ignored.
	ApplyOption func(opt any, s *Settings)
)
