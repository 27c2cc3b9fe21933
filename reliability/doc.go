// Package reliability holds no code of its own: its tests drive the
// KeyManager of all five vendors through their fakes with the shared fault
// injection, and check one answer for all of them — the fault matrix
// (TestFaultMatrix, printed as a table), the leak scan over every log line,
// error and result of that matrix, concurrent use of one client, and bad
// input to every method that takes an id, owner, name or description.
//
// Run the matrix with
//
//	go test ./reliability -run TestFaultMatrix -v
//
// RELIABILITY.md at the module root holds its printed table.
package reliability
