// Package fakeserver holds the mechanics every <vendor>test fake composes:
// starting on 127.0.0.1:0 or in memory, fault injection (fail the next n
// requests with a status and the vendor's error body, delays, drops, and
// commit-then-drop), a settable clock, and a request log.
//
// A vendor fake embeds *Server, so these methods are the same on all five.
package fakeserver
