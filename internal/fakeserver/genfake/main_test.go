package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedFilesAreCurrent regenerates every vendor fake's
// fake_gen.go and fails when one differs from the file on disk: run
// "go generate ./..." after changing cloudkeystest.Fake.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := moduleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "*", "*test", FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no */*test/%s under %s", FileName, root)
	}
	for _, f := range files {
		pkg := filepath.Base(filepath.Dir(f))
		want, err := generate(root, pkg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			rel, _ := filepath.Rel(root, f)
			t.Errorf("%s is out of date: run go generate ./%s", rel, filepath.Dir(rel))
		}
	}
}
