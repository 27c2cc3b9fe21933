// Package transport is the one HTTP pipeline every cloudkeys vendor uses.
//
// It is built on go-retryablehttp and adds what an SDK that handles
// credentials needs:
//
//   - retries chosen per operation class (Read, Write, IdempotentWrite), not
//     per HTTP method: a Write is re-sent only when it provably never reached
//     the server (a dial error before any connection was obtained), and a Write
//     whose answer was lost fails with an error wrapping
//     cloudkeys.ErrOutcomeUnknown;
//   - a Signer run before every attempt, so timestamps and signatures are fresh;
//   - a vendor Classify hook that can mark a response transient or final (a
//     ZStack 503 carrying an application error is final);
//   - Retry-After honoured (seconds and HTTP-date) but capped at MaxWait,
//     jittered exponential backoff, and backoff sleeps that end with the context;
//   - logging through log/slog by allow-list (vendor, operation, method, host,
//     path, status, attempt, duration) and errors scrubbed of URLs, query
//     strings, headers, bodies and registered secret values;
//   - a response size limit, short excerpts of non-JSON error bodies, a
//     same-origin-only redirect policy, and one pooled http.Transport per
//     client sized for concurrent use.
package transport
