// Package cli implements the cloudkeys command: the key lifecycle of every
// vendor from the shell, over cloudkeys.KeyManager, and every fake as a
// standalone server. cmd/cloudkeys is a thin main around Run.
package cli
