package cloudkeys

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/config"
)

// Option configures a client: pass any number of them to a vendor's New
// (or NewFromEnv, or vendors.FromEnv). The options of this package apply to
// every vendor; a vendor package may define options of its own, such as
// zstack.WithServerLocation and cloudstack.WithPollInterval, which the
// other vendors' clients ignore (so one list of options can serve clients
// of every vendor). When two options set the same thing, the later one
// wins. An invalid value makes New return an error that names the option
// and matches [ErrInvalidRequest]. A nil Option is ignored.
//
// Option cannot be implemented outside this module.
type Option interface {
	apply(*config.Settings)
}

// option is the one implementation of Option.
type option func(*config.Settings)

func (o option) apply(s *config.Settings) {
	if o != nil {
		o(s)
	}
}

// The bridge that lets internal/transport apply options and vendor packages
// define their own (see package internal/config).
func init() {
	config.NewOption = func(fn func(*config.Settings)) any { return option(fn) }
	config.ApplyOption = func(o any, s *config.Settings) {
		if o, ok := o.(Option); ok && o != nil {
			o.apply(s)
		}
	}
}

// RetryPolicy bounds the retries of the shared transport.
//
// Reads are retried on connection errors, 429, 502, 503, 504 and
// vendor-declared transient errors; writes only when the request provably
// never reached the server or the vendor gives exactly-once semantics. The
// wait between attempts grows exponentially from MinWait with jitter, is
// capped at MaxWait, and honours Retry-After, itself capped at MaxWait.
//
// Without WithRetry the policy is {MaxAttempts: 4, MinWait: 250ms, MaxWait: 10s}.
type RetryPolicy struct {
	MaxAttempts int           // total attempts including the first; 1 disables retries
	MinWait     time.Duration // the first backoff
	MaxWait     time.Duration // the cap on any wait, Retry-After included
}

// DefaultMaxResponseBytes is the response size limit when
// WithMaxResponseBytes is not given.
const DefaultMaxResponseBytes int64 = 32 << 20

// WithHTTPClient sets the HTTP client whose Transport, Timeout (applied per
// attempt) and TLS settings are used. Retries, signing, logging and the
// redirect policy wrap it; its CheckRedirect and Jar are not used.
func WithHTTPClient(c *http.Client) Option {
	return option(func(s *config.Settings) {
		if c == nil {
			s.Errs = append(s.Errs, InvalidInput("", "WithHTTPClient", "nil client"))
			return
		}
		s.HTTPClient = c
	})
}

// WithLogger sets the logger. The default discards everything. Log records
// carry only method, host, path, status, attempt and duration — never query
// values, headers, bodies or secrets.
func WithLogger(l *slog.Logger) Option {
	return option(func(s *config.Settings) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		s.Logger = l
	})
}

// WithRetry sets the retry policy. MaxAttempts must be at least 1 and
// MinWait must not exceed MaxWait.
func WithRetry(p RetryPolicy) Option {
	return option(func(s *config.Settings) {
		switch {
		case p.MaxAttempts < 1:
			s.Errs = append(s.Errs, InvalidInput("", "RetryPolicy.MaxAttempts", "must be at least 1"))
		case p.MinWait < 0 || p.MaxWait < 0:
			s.Errs = append(s.Errs, InvalidInput("", "RetryPolicy", "waits must not be negative"))
		case p.MinWait > p.MaxWait:
			s.Errs = append(s.Errs, InvalidInput("", "RetryPolicy.MinWait", fmt.Sprintf("%v exceeds MaxWait %v", p.MinWait, p.MaxWait)))
		default:
			s.Retry = config.Retry{MaxAttempts: p.MaxAttempts, MinWait: p.MinWait, MaxWait: p.MaxWait}
			s.RetrySet = true
		}
	})
}

// WithUserAgent appends ua to the User-Agent "cloudkeys-go/<Version>". It
// must not contain control characters.
func WithUserAgent(ua string) Option {
	return option(func(s *config.Settings) {
		if strings.ContainsFunc(ua, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			s.Errs = append(s.Errs, InvalidInput("", "WithUserAgent", "contains a control character"))
			return
		}
		s.UserAgent = ua
	})
}

// WithClock sets the clock used for signing timestamps and expiry checks.
// For tests.
func WithClock(now func() time.Time) Option {
	return option(func(s *config.Settings) {
		if now == nil {
			s.Errs = append(s.Errs, InvalidInput("", "WithClock", "nil clock"))
			return
		}
		s.Clock = now
	})
}

// WithMaxResponseBytes caps the size of a response body (default 32 MiB).
// A larger answer fails with an error instead of being read.
func WithMaxResponseBytes(n int64) Option {
	return option(func(s *config.Settings) {
		if n <= 0 {
			s.Errs = append(s.Errs, InvalidInput("", "WithMaxResponseBytes", "must be positive"))
			return
		}
		s.MaxResponseBytes = n
	})
}

// WithServerLocation sets the time zone of a server that sends and expects
// zone-less local times (ZStack). The default is time.Local.
//
// Deprecated: use zstack.WithServerLocation, which sets the same thing (the
// later of the two wins); the other vendors' clients ignore both.
func WithServerLocation(loc *time.Location) Option {
	return option(func(s *config.Settings) {
		if loc == nil {
			s.Errs = append(s.Errs, InvalidInput("", "WithServerLocation", "nil location"))
			return
		}
		s.SetVendor(config.ServerLocation{}, loc)
	})
}

// WithTLSConfig sets the TLS configuration of the client's own pooled
// transport: a private CA for an on-premises endpoint (RootCAs), a client
// certificate, a minimum version. The config is cloned; HTTP/2 stays
// negotiated by ALPN unless NextProtos says otherwise. It cannot be combined
// with WithHTTPClient (configure that client's transport instead): New
// reports the combination as an error.
func WithTLSConfig(cfg *tls.Config) Option {
	return option(func(s *config.Settings) {
		if cfg == nil {
			s.Errs = append(s.Errs, InvalidInput("", "WithTLSConfig", "nil config"))
			return
		}
		s.TLSConfig = cfg.Clone()
	})
}

// DefaultResponseHeaderTimeout and DefaultBodyReadTimeout bound every
// attempt of a client built without WithHTTPClient: an attempt that has no
// response headers DefaultResponseHeaderTimeout after it started (dialling
// included), or whose body yields no byte for DefaultBodyReadTimeout, is
// abandoned. For a read that is a transient failure (retried); for a write
// it matches [ErrOutcomeUnknown] (the server may have carried it out).
const (
	DefaultResponseHeaderTimeout = 60 * time.Second
	DefaultBodyReadTimeout       = 30 * time.Second
)

// WithResponseHeaderTimeout bounds how long one attempt waits for the
// response headers, from the moment it is sent (connecting included). The
// default is [DefaultResponseHeaderTimeout], or no bound when WithHTTPClient
// brings its own client (whose transport's own timeouts then apply). Zero
// disables the bound; negative is an error. The context's deadline, when
// sooner, still wins.
func WithResponseHeaderTimeout(d time.Duration) Option {
	return option(func(s *config.Settings) {
		if d < 0 {
			s.Errs = append(s.Errs, InvalidInput("", "WithResponseHeaderTimeout", "must not be negative"))
			return
		}
		s.ResponseHeaderTimeout = &d
	})
}

// WithBodyReadTimeout bounds how long reading a response body may wait
// without receiving a byte (a stalled answer). The default is
// [DefaultBodyReadTimeout], or no bound when WithHTTPClient brings its own
// client. Zero disables the bound; negative is an error.
func WithBodyReadTimeout(d time.Duration) Option {
	return option(func(s *config.Settings) {
		if d < 0 {
			s.Errs = append(s.Errs, InvalidInput("", "WithBodyReadTimeout", "must not be negative"))
			return
		}
		s.BodyReadTimeout = &d
	})
}

// DefaultRetryBudget is how many retries a client's full retry budget
// allows (see [WithRetryBudget]).
const DefaultRetryBudget = 100

// WithRetryBudget sets the client's retry budget, in the manner of
// aws-sdk-go-v2's retry token bucket: every retry draws from a budget shared
// by all calls of the client (a retry after a timeout or a connection error
// draws twice as much), and every call that succeeds without a retry earns
// back a fifth of one retry; a call that succeeds after retries returns what
// it drew. When the budget is empty a transient failure is returned at once
// instead of being retried, so that during an outage the client sends
// little more than one request per call instead of MaxAttempts.
//
// retries is how many retries a full budget allows (it starts full): the
// default is [DefaultRetryBudget], so 200 calls against a server that
// answers 503 to everything send at most 300 requests, not 800. Zero turns
// the budget off (every call may use all of MaxAttempts); negative is an
// error.
func WithRetryBudget(retries int) Option {
	return option(func(s *config.Settings) {
		if retries < 0 {
			s.Errs = append(s.Errs, InvalidInput("", "WithRetryBudget", "must not be negative"))
			return
		}
		s.RetryBudget = &retries
	})
}
