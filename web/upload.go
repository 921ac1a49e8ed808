package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// newID is a random job id: 16 bytes, hex. It is the only name used on disk.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// httpError is an error with the status to answer and a plain message.
type httpError struct {
	Status int
	Msg    string
}

func (e *httpError) Error() string { return e.Msg }

func badRequest(format string, a ...any) error {
	return &httpError{Status: http.StatusBadRequest, Msg: fmt.Sprintf(format, a...)}
}

// upload is a received file, stored and checked.
type upload struct {
	ID      string
	Name    string // client file name (display only)
	Format  string // csv or xlsx
	Fields  map[string]string
	Preview *Preview
}

const maxField = 8 << 10

// receive streams the multipart "file" part to DataDir/jobs/<new id>/ and
// reads the small form fields. On error nothing is left on disk.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) (up *upload, err error) {
	// Headers and the other fields get a little room beyond the file cap.
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, badRequest("expected a multipart/form-data upload with a \"file\" field")
	}
	up = &upload{ID: newID(), Fields: map[string]string{}}
	dir := s.jobDir(up.ID)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("job directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	tmp := filepath.Join(dir, "upload.tmp")
	var size int64
	gotFile := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, tooLargeOr(err, s.cfg.MaxUpload, "reading the upload")
		}
		name := part.FormName()
		if name == "file" && !gotFile {
			gotFile = true
			up.Name = cleanName(part.FileName())
			size, err = s.storePart(part, tmp)
			if err != nil {
				return nil, err
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxField+1))
		if err != nil {
			return nil, tooLargeOr(err, s.cfg.MaxUpload, "reading the upload")
		}
		if len(b) > maxField {
			return nil, badRequest("form field %q is too long", name)
		}
		if name != "" {
			up.Fields[name] = string(b)
		}
	}
	if !gotFile {
		return nil, badRequest("no file in the upload (field \"file\")")
	}
	if size == 0 {
		return nil, badRequest("the file %q is empty", up.Name)
	}
	format, err := s.checkFile(tmp, up.Name)
	if err != nil {
		return nil, err
	}
	up.Format = format
	if err := os.Rename(tmp, filepath.Join(dir, "input."+format)); err != nil {
		return nil, err
	}
	return up, nil
}

func (s *Server) storePart(part *multipart.Part, path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, io.LimitReader(part, s.cfg.MaxUpload+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, tooLargeOr(err, s.cfg.MaxUpload, "receiving the file")
	}
	if n > s.cfg.MaxUpload {
		return n, tooLarge(s.cfg.MaxUpload)
	}
	return n, nil
}

func tooLarge(max int64) error {
	return &httpError{Status: http.StatusRequestEntityTooLarge,
		Msg: fmt.Sprintf("the file is larger than the limit of %s", formatSize(max))}
}

func tooLargeOr(err error, max int64, doing string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(max)
	}
	return badRequest("%s: %v", doing, err)
}

// cleanName keeps the base name of the client's file name, for display.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "?")
	}
	if name == "/" || name == "." || name == ".." || name == "" {
		name = "upload"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// checkFile tells CSV from XLSX by content and refuses binary files,
// non-XLSX zips and zip bombs.
func (s *Server) checkFile(path, name string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx", s.checkXLSX(path, name)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", badRequest("%q is an old Excel .xls (or other OLE) file: save it as .xlsx or CSV", name)
	case strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".xlsm"):
		return "", badRequest("%q is named like an XLSX workbook but is not one", name)
	case bytes.IndexByte(head, 0) >= 0:
		return "", badRequest("%q is a binary file, not a CSV text file", name)
	}
	return "csv", nil
}

func (s *Server) checkXLSX(path, name string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return badRequest("%q is not a valid XLSX workbook (%v)", name, err)
	}
	defer zr.Close()
	var total uint64
	workbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.Name == "xl/workbook.xml" {
			workbook = true
		}
	}
	// archive/zip (which excelize reads through) refuses entries longer than
	// their declared size, so the declared total bounds what will be inflated.
	if total > uint64(s.cfg.MaxUnzipped) {
		return badRequest("%q would uncompress to more than %s: refused", name, formatSize(s.cfg.MaxUnzipped))
	}
	if !workbook {
		return badRequest("%q is a zip archive but not an XLSX workbook", name)
	}
	return nil
}

// preview runs the inspector, mapping its failure to a 400.
func (s *Server) preview(ctx context.Context, id, format, name string, opts ReadOptions) (*Preview, error) {
	path := filepath.Join(s.jobDir(id), "input."+format)
	opts.MaxUnzip = s.cfg.MaxUnzipped
	p, err := s.cfg.Inspector.Preview(ctx, path, opts, s.cfg.PreviewRows)
	if err != nil {
		// The stored path is ours; the user knows the file by its name.
		return nil, badRequest("%s", strings.ReplaceAll(err.Error(), path, name))
	}
	return p, nil
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// ParseSize reads a size such as "50MB", "512KiB", "1G" or "1048576".
// K, M, G are powers of 1024, as in "the file is larger than 50 MB".
func ParseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(t, &n); err != nil || n <= 0 || fmt.Sprint(n) != t || n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q (want e.g. 50MB)", v)
	}
	return n * mult, nil
}
