package writers

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

func TestXLSX(t *testing.T) {
	header := []string{"id", "code_postal", "insee", "ligne", "commune", "elig_status"}
	var rows []readers.Row
	for i := 0; i < 150; i++ { // more than widthSample: buffered and streamed rows
		rows = append(rows, readers.Row{Index: i, Line: i + 2,
			Cells: []string{"000" + string(rune('1'+i%9)), "01400", "01004", "0123456789", "Châtillon", "old"}})
	}
	rows[3].Cells[4] = "ctrl\x01char & <tag>"
	outs := outcomes()
	sum := Summary{Input: "clients.csv", Endpoint: "http://127.0.0.1:1/1.0", Elapsed: 1500 * time.Millisecond,
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), APICalls: map[string]int64{"/connectivity/eligibility/search/cities": 12, "/connectivity/eligibility/test/building": 30},
		APICallsTotal: 42, CacheHits: 7, Retries: 3, RateLimited: 2, LimiterWait: 2 * time.Second,
		ByStatus: map[string]int{"eligible": 999}} // recounted by the writer
	var buf bytes.Buffer
	w, err := New(&buf, "xlsx", Options{Header: header, Dialect: readers.Dialect{Format: "xlsx", Header: true}, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := w.Write(r, outs[i%len(outs)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(sum); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), ","), "Results,Offers,Candidates,Summary"; got != want {
		t.Fatalf("sheets %s, want %s", got, want)
	}

	t.Run("results", func(t *testing.T) {
		res, err := f.GetRows(SheetResults)
		if err != nil {
			t.Fatal(err)
		}
		wantHeader := append(append([]string{"id", "code_postal", "insee", "ligne", "commune"}, Columns...), SandboxColumn)
		if strings.Join(res[0], ",") != strings.Join(wantHeader, ",") {
			t.Fatalf("header %q", res[0])
		}
		if len(res) != len(rows)+1 {
			t.Fatalf("%d rows, want %d", len(res), len(rows)+1)
		}
		// XML 1.0 cannot hold \x01: it becomes U+FFFD, and the file stays valid.
		if res[4][4] != "ctrl\uFFFDchar & <tag>" {
			t.Errorf("cell with control character read back as %q", res[4][4])
		}
		for _, cell := range []string{"A2", "B2", "C2", "D2", "B150", "D151"} {
			typ, err := f.GetCellType(SheetResults, cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s has type %v, want a string", cell, typ)
			}
		}
		if v, _ := f.GetCellValue(SheetResults, "B2"); v != "01400" {
			t.Errorf("B2 = %q, want 01400", v)
		}
		if v, _ := f.GetCellValue(SheetResults, "A2"); v != "0001" {
			t.Errorf("A2 = %q, want 0001", v)
		}
		// elig_download_mbps is a number so it sorts; 1000 on eligible rows.
		col, _ := excelize.ColumnNumberToName(5 + colDownload + 1)
		if typ, _ := f.GetCellType(SheetResults, col+"2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("download cell type %v, want number", typ)
		}
		if v, _ := f.GetCellValue(SheetResults, col+"2"); v != "1000" {
			t.Errorf("download = %q", v)
		}
		if got := res[2][5]; got != "not_found" {
			t.Errorf("row 2 status %q", got)
		}
		if got := res[1][len(res[1])-1]; got != SandboxNote {
			t.Errorf("sandbox cell %q", got)
		}
		panes, err := f.GetPanes(SheetResults)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("panes %+v, want header frozen", panes)
		}
		if w, _ := f.GetColWidth(SheetResults, "E"); w < 8 || w > 60 {
			t.Errorf("column E width %v", w)
		}
	})

	t.Run("autofilter", func(t *testing.T) {
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			files[zf.Name] = string(b)
		}
		last, _ := excelize.CoordinatesToCellName(5+len(Columns)+1, len(rows)+1, true)
		sheet := strings.ReplaceAll(files["xl/worksheets/sheet1.xml"], "$", "")
		if want := `<autoFilter ref="A1:` + strings.ReplaceAll(last, "$", "") + `"`; !strings.Contains(sheet, want) {
			t.Errorf("Results has no %s", want)
		}
		found := false
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, "Results") {
				found = true
			}
		}
		if !found {
			t.Error("no _xlnm._FilterDatabase defined name for Results")
		}
		for _, c := range []string{"xl/charts/chart1.xml", "xl/charts/chart2.xml"} {
			if !strings.Contains(files[c], "Summary!$B$") {
				t.Errorf("%s missing or not plotting Summary", c)
			}
		}
	})

	t.Run("offers and candidates", func(t *testing.T) {
		offers, _ := f.GetRows(SheetOffers)
		// Every 4th row (eligible outcome) has 3 offers.
		if want := 1 + 3*((len(rows)+3)/4); len(offers) != want {
			t.Errorf("Offers has %d lines, want %d", len(offers), want)
		}
		if strings.Join(offers[0], ",") != strings.Join(offersHeader, ",") {
			t.Errorf("Offers header %q", offers[0])
		}
		l := offers[3]
		if l[0] != "1" || l[5] != "ADSL_MAX" || l[8] != "FALSE" || !strings.Contains(l[18], "NOT_AVAILABLE: Offre indisponible") || !strings.Contains(l[2], "Châtillon") {
			t.Errorf("Offers line 4 = %q", l)
		}
		if offers[1][4] != "yes" || offers[2][4] != "" {
			t.Errorf("best marker: %q / %q", offers[1][4], offers[2][4])
		}
		if typ, _ := f.GetCellType(SheetOffers, "P3"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeInlineString {
			t.Errorf("endpoint type %v", typ)
		}
		if v, _ := f.GetCellValue(SheetOffers, "Q3"); v != "0123456789" {
			t.Errorf("line endpoint %q, want 0123456789 kept as text", v)
		}
		cands, _ := f.GetRows(SheetCandidates)
		if want := 1 + 2*((len(rows)+1)/4); len(cands) != want {
			t.Errorf("Candidates has %d lines, want %d", len(cands), want)
		}
		if c := cands[1]; c[0] != "3" || c[4] != "1" || c[6] != "RUE DE L EGLISE" || c[8] != "0.81" {
			t.Errorf("Candidates line 2 = %q", c)
		}
		if p, _ := f.GetPanes(SheetOffers); !p.Freeze {
			t.Error("Offers header not frozen")
		}
	})

	t.Run("summary", func(t *testing.T) {
		rowsOf, _ := f.GetRows(SheetSummary)
		kv := map[string]string{}
		text := ""
		for _, r := range rowsOf {
			if len(r) >= 2 {
				kv[r[0]] = r[1]
			}
			text += strings.Join(r, "\t") + "\n"
		}
		counts := map[resolve.Status]int{}
		for i := range rows {
			counts[outs[i%len(outs)].Status]++
		}
		for st, n := range counts {
			if kv[string(st)] != strconv.Itoa(n) {
				t.Errorf("status %s: %q, want %d", st, kv[string(st)], n)
			}
		}
		for k, want := range map[string]string{"Rows": "150", "invalid": "0", "FTTH": "38", "FTTH_1G": "38",
			"none": "112", "API calls (total)": "42", "Cache hits": "7", "Retries": "3", "Rate limited (429)": "2",
			"Limiter wait": "2s", "Run time": "1.5s", "Input file": "clients.csv",
			"/connectivity/eligibility/test/building": "30", "Started": "2026-01-02T03:04:05Z"} {
			if kv[k] != want {
				t.Errorf("Summary %q = %q, want %q", k, kv[k], want)
			}
		}
		if !strings.Contains(text, SandboxNote) {
			t.Error("Summary lacks the sandbox line")
		}
	})
}

func TestXLSXEmpty(t *testing.T) {
	var buf bytes.Buffer
	w, err := New(&buf, "xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, _ := f.GetRows(SheetResults)
	if len(res) != 1 || res[0][0] != "elig_status" {
		t.Errorf("empty Results = %q", res)
	}
}

// TestXLSXRowLimits fakes a sheet at Excel's last row: Results refuses more
// rows, Offers drops lines and says so in Summary.
func TestXLSXRowLimits(t *testing.T) {
	var buf bytes.Buffer
	x, err := newXLSX(&buf, Options{Header: []string{"zip"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.start(); err != nil {
		t.Fatal(err)
	}
	x.offersRow = excelize.TotalRows
	if err := x.Write(row(0, "", "01400"), outcomes()[0]); err != nil {
		t.Fatal(err)
	}
	if x.offersCut != 3 {
		t.Errorf("offersCut = %d, want 3", x.offersCut)
	}
	x.resRow = excelize.TotalRows
	if err := x.Write(row(1, "", "01400"), outcomes()[1]); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("Write past the last row: %v, want ErrTooManyRows", err)
	}
	if err := x.Close(Summary{}); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("Close after a failed Write: %v", err)
	}
	if err := x.Abort(); err != nil {
		t.Error(err)
	}
}

func TestXLSXOffersTruncatedNote(t *testing.T) {
	var buf bytes.Buffer
	x, err := newXLSX(&buf, Options{Header: []string{"zip"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	x.offersRow = excelize.TotalRows
	if err := x.Write(row(0, "", "01400"), outcomes()[0]); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(SheetSummary)
	found := false
	for _, r := range rows {
		if len(r) == 2 && strings.HasPrefix(r[0], "Offers sheet truncated") && r[1] == "3" {
			found = true
		}
	}
	if !found {
		t.Errorf("Summary lacks the truncation note: %q", rows)
	}
}

func TestXLSXHeaderlessAndSurplusCells(t *testing.T) {
	var buf bytes.Buffer
	w, err := New(&buf, "xlsx", Options{Dialect: readers.Dialect{Format: "csv", Header: false}})
	if err != nil {
		t.Fatal(err)
	}
	rows := []readers.Row{
		{Index: 0, Cells: []string{"01400", "Châtillon"}},
		{Index: 1, Cells: []string{"75001", "Paris", "surplus"}, Err: errors.New("3 fields")},
	}
	for i, r := range rows {
		if err := w.Write(r, outcomes()[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, _ := f.GetRows(SheetResults)
	if res[0][0] != "col_1" || res[0][2] != "col_3" || res[0][3] != "elig_status" {
		t.Fatalf("header %q", res[0])
	}
	if res[1][3] != "eligible" || res[2][3] != "not_found" || res[2][2] != "surplus" {
		t.Errorf("rows %q", res[1:])
	}
}
