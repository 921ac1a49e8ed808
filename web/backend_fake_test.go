//go:build !webengine

package web

import "testing"

// backend is the runner and inspector of the browser test.
func backend(t *testing.T) (Runner, Inspector) { return &fakeRunner{}, fakeInspector{} }
