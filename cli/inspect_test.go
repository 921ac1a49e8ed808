package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runInspect(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), append([]string{"inspect"}, args...), env)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "inspect", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run Inspect -update)", err)
	}
	if got != string(want) {
		t.Errorf("inspect output differs from %s:\n--- got\n%s\n--- want\n%s", p, got, want)
	}
}

func TestInspectSamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "samples", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".csv")
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runInspect(t, "", f)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, name, out)
		})
	}
}

// Key facts, asserted apart from the golden files so that a careless
// -update cannot bless a wrong dialect or mapping.
func TestInspectFacts(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"bal-sample-strasbourg-messy.cp1252.csv", []string{"encoding:   windows-1252", `delimiter:  ";"`, "line ends:  LF",
			`street      ← 3 "voie_nom"`, `city        ← 6 "commune_nom"`, "usable:     yes", `line 4: city="Strasbourg" number="43" suffix="" street="Rue de l'Aubépine"`}},
		{"bal-sample-strasbourg-messy.utf8-bom.csv", []string{"encoding:   utf-8-bom", `line 4: city="Strasbourg" number="43" suffix="" street="Rue de l'Aubépine"`}},
		{"communes-departement-region-head-lost-zeros.csv", []string{`delimiter:  ","`, `zip         ← 3 "code_postal"`,
			`insee       ← 1 "code_commune_INSEE"`, "4-digit codes: 200 of 200 sampled cells lost their leading zero", "usable:     no: no usable columns"}},
		{"ban-legacy-54084-mont-bonvillers.csv", []string{"quoted:     yes", `street      ← 2 "nom_voie"`, `also fits: "nom_afnor"`, "rows:       501 (0 with errors)"}},
		{"arrondissements-municipaux-plm.csv", []string{"line ends:  CRLF"}},
		{"adresse-data-gouv-exemple-search.csv", []string{`street      ← 2 "adresse"`, `zip         ← 3 "postcode"`, "usable:     yes"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			code, out, stderr := runInspect(t, "", filepath.Join("..", "samples", tt.file), "--rows", "3")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestInspectOptions(t *testing.T) {
	bal := filepath.Join("..", "samples", "bal-sample-strasbourg-messy.cp1252.csv")
	t.Run("override", func(t *testing.T) {
		code, out, _ := runInspect(t, "", "--columns", `street="voie_nom",city=6,zip=cle_interop`, bal, "--rows", "1")
		if code != ExitOK || !strings.Contains(out, "forced by --columns zip=cle_interop") || !strings.Contains(out, `zip="A7482_6956_11"`) {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("unknown column is a usage error listing the headers", func(t *testing.T) {
		code, _, stderr := runInspect(t, "", bal, "--columns", `zip="CODE POSTAL"`)
		if code != ExitUsage || !strings.Contains(stderr, `no column "CODE POSTAL"`) || !strings.Contains(stderr, `"commune_nom"`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	t.Run("bad encoding", func(t *testing.T) {
		code, _, stderr := runInspect(t, "", bal, "--encoding", "ebcdic")
		if code != ExitUsage || !strings.Contains(stderr, "windows-1252") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	t.Run("no file", func(t *testing.T) {
		if code, _, _ := runInspect(t, ""); code != ExitUsage {
			t.Errorf("exit %d, want %d", code, ExitUsage)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if code, _, _ := runInspect(t, "", "nope.csv"); code != ExitFatal {
			t.Errorf("exit %d, want %d", code, ExitFatal)
		}
	})
	t.Run("stdin, forced dialect, malformed line", func(t *testing.T) {
		in := "01400|Châtillon|\"rue X\n75001|Paris|1 rue de Rivoli\n"
		code, out, stderr := runInspect(t, in, "-", "--delimiter", "|", "--no-header", "--encoding", "utf-8")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(out, "rows:       2 (1 with errors)") || !strings.Contains(out, "error: stdin:1: column 3: unbalanced quote") {
			t.Errorf("malformed line not reported:\n%s", out)
		}
		golden(t, "stdin-no-header", out)
	})
}
