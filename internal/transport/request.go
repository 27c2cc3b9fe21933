package transport

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Class says how a request may be retried. It is chosen by the caller per
// operation, never derived from the HTTP method.
type Class int

const (
	// Read operations (gets, lists, queries, job polls) are retried on
	// connection errors, 429, 502, 503, 504 and vendor-declared transient
	// answers.
	Read Class = iota
	// Write operations are retried only when the request provably never
	// reached the server. A lost answer is an error wrapping
	// cloudkeys.ErrOutcomeUnknown.
	Write
	// IdempotentWrite operations (delete by id, writes with a vendor job id)
	// are retried like reads.
	IdempotentWrite
)

// String returns "read", "write" or "idempotent-write".
func (c Class) String() string {
	switch c {
	case Read:
		return "read"
	case Write:
		return "write"
	case IdempotentWrite:
		return "idempotent-write"
	}
	return "unknown"
}

// Outgoing is one attempt of a request, handed to a Signer just before it is
// sent. The Signer may change anything: add headers, rewrite the query,
// replace the body (CloudStack signs a form body that changes per attempt).
// URL and Header are the attempt's own; Header's value slices may be shared
// with the request's, so change it with Set, Add and Del, never by writing
// into a value slice.
type Outgoing struct {
	Method  string
	URL     *url.URL
	Header  http.Header
	Body    []byte
	Now     time.Time // the client's clock, read once for this attempt
	Attempt int       // 1 for the first attempt
}

// Signer authenticates one attempt. It runs before every attempt, so
// timestamps and signatures are always fresh. It must not log anything.
type Signer func(ctx context.Context, o *Outgoing) error

// Request is one logical call. Its fields are read, never modified.
type Request struct {
	// Operation is the vendor's name for the call, used in errors and logs
	// (e.g. "registerUserKeys", "CreateAccessKey").
	Operation string
	Class     Class
	Method    string

	// URL, when set, is the absolute URL of the call (e.g. an IAM endpoint on
	// another host). Otherwise the URL is the client's base URL joined with
	// Path, plus Query or RawQuery.
	URL *url.URL
	// Path is appended to the base URL's path. It is in escaped form: put
	// ids, names and owners in it through PathSegment (which also refuses
	// "", "." and "..").
	Path     string
	Query    url.Values
	RawQuery string // used when Query is nil: sent exactly as given

	Header http.Header
	Body   []byte

	// Sign overrides the client's signer for this call; NoSign sends the call
	// unsigned (a login, a public endpoint).
	Sign   Signer
	NoSign bool

	// Secrets are values of this call only (a token sent in the body to be
	// examined) scrubbed from its errors like the client's registered
	// secrets; values shorter than 4 bytes are ignored.
	Secrets []string

	// Check replaces the client's Check (Config.Check) for this call.
	Check func(req *Request, resp *Response) error
}

// Response is a complete answer, its body read within the size limit.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Attempts   int // how many attempts were made
}
