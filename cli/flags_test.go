package cli

import "flag"

// update rewrites golden files: go test ./cli -run Inspect -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")
