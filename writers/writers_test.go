package writers

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

func TestCreateAtomic(t *testing.T) {
	for _, name := range []string{"out.csv", "out.tsv", "out.xlsx", "out.jsonl", "out.ndjson", "out.json"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			opts := Options{Header: []string{"zip"}, Dialect: readers.Dialect{Format: "csv", Header: true}}

			// Abort: nothing left behind.
			w, err := Create(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(row(0, "01400", "01400"), outcomes()[0]); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("final path exists before Close: %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), ".out.") {
				t.Fatalf("want one hidden temporary file, got %v", entries)
			}
			if err := w.Abort(); err != nil {
				t.Fatal(err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("Abort left %v", entries)
			}
			if err := w.Write(row(1, "x", "x"), outcomes()[0]); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Abort: %v, want ErrClosed", err)
			}

			// Close: the final file appears, the temporary one goes.
			w, err = Create(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(row(0, "01400", "01400"), outcomes()[0]); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("final path exists before Close: %v", err)
			}
			if err := w.Close(Summary{}); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != name {
				t.Fatalf("after Close: %v", entries)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if name == "out.xlsx" {
				f, err := excelize.OpenReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				v, _ := f.GetCellValue(SheetResults, "A2")
				f.Close()
				b = []byte(v)
			}
			if !bytes.Contains(b, []byte("01400")) {
				t.Errorf("output lacks the row: %q", b)
			}
			if err := w.Close(Summary{}); !errors.Is(err, ErrClosed) {
				t.Errorf("second Close: %v, want ErrClosed", err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("Abort after Close: %v", err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("Abort after Close removed the output: %v", err)
			}
		})
	}
}

func TestCreateErrors(t *testing.T) {
	var fe *FormatError
	if _, err := Create(filepath.Join(t.TempDir(), "out.ods"), Options{}); !errors.As(err, &fe) {
		t.Errorf("unknown extension: %v, want *FormatError", err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "missing", "out.csv"), Options{}); err == nil {
		t.Error("missing directory accepted")
	}
	if _, err := Create("-", Options{}); err == nil {
		t.Error(`"-" without Stdout accepted`)
	}
	var out bytes.Buffer
	w, err := Create("-", Options{Stdout: &out, Header: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(row(0, "1", "1"), outcomes()[1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "a,elig_status,") || !strings.Contains(out.String(), "\n1,not_found,street,") {
		t.Errorf("stdout CSV = %q", out.String())
	}
}

func TestMalformedRowWithoutStatus(t *testing.T) {
	rows := []readers.Row{{Index: 0, Line: 2, Raw: []byte(`1,"x`), Cells: []string{"1", "x"}, Err: errors.New("line 2: unterminated quote")}}
	got := string(writeAll(t, "csv", Options{Header: []string{"a", "b"}}, rows, []resolve.Outcome{{}}))
	if !strings.Contains(got, "\n1,x,invalid,none,") || !strings.Contains(got, "malformed row: line 2: unterminated quote") {
		t.Errorf("malformed row = %q", got)
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{"a.CSV": "csv", "a.tsv": "tsv", "b.xlsx": "xlsx", "c.ndjson": "jsonl", "-": "csv", "d.json": "jsonl"} {
		if got, err := FormatOf(path); err != nil || got != want {
			t.Errorf("FormatOf(%s) = %q, %v; want %q", path, got, err, want)
		}
	}
}
