// Package compat drives third-party clients against cloudkeys' fakes.
package compat
