// Package config holds the settings that cloudkeys.Option values write and
// that internal/transport and the vendor packages read.
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

// Settings are the resolved options shared by every vendor constructor.
type Settings struct {
	HTTPClient       *http.Client
	Logger           *slog.Logger
	Retry            Retry
	RetrySet         bool
	UserAgent        string
	Clock            func() time.Time
	MaxResponseBytes int64
	ServerLocation   *time.Location
	TLSConfig        *tls.Config // for the pooled transport; nil: Go's defaults

	// Waiting bounds per attempt; nil: the default (none with a client's
	// own http.Client). A zero value disables the bound.
	ResponseHeaderTimeout *time.Duration
	BodyReadTimeout       *time.Duration

	// RetryBudget is how many retries a full budget allows; nil: the
	// default, 0: no budget.
	RetryBudget *int

	// Errs collects option values that were invalid; New reports them.
	Errs []error
}
