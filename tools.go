//go:build tools

// This file pins the modules the project depends on before every package
// that uses them is written, so `go mod tidy` keeps them.
package main

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/ovh/go-ovh/ovh"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/sync/singleflight"
	_ "golang.org/x/text/encoding/charmap"
	_ "golang.org/x/time/rate"
	_ "modernc.org/sqlite"
)
