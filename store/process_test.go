package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// The helper process is this test binary run again with STORE_HELPER set:
// it opens the cache named by STORE_HELPER_PATH and writes keys
// [STORE_HELPER_FROM, STORE_HELPER_FROM+STORE_HELPER_N).
const helperEnv = "STORE_HELPER"

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process for the multi-process tests")
	}
	from, _ := strconv.Atoi(os.Getenv("STORE_HELPER_FROM"))
	n, _ := strconv.Atoi(os.Getenv("STORE_HELPER_N"))
	s, err := Open(os.Getenv("STORE_HELPER_PATH"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	c := s.Wrap(answerKey{}, ep, Options{})
	if mode == "write" {
		// Start together with the parent, so the writes really overlap.
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	for i := from; i < from+n; i++ {
		if _, err := c.Call(context.Background(), ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i)}); err != nil {
			fmt.Fprintln(os.Stderr, "call:", err)
			os.Exit(3)
		}
		if st := c.Stats(); st.StoreErrors != 0 {
			fmt.Fprintln(os.Stderr, "store errors:", st.StoreErrors)
			os.Exit(4)
		}
		if mode == "kill" {
			// Tell the parent this key is stored, then go on until killed.
			fmt.Println("stored", i)
		}
	}
	if mode == "kill" {
		select {} // wait for SIGKILL
	}
	s.Close()
	os.Exit(0)
}

// answerKey answers the body's insee code, so the reader can check values.
type answerKey struct{}

func (answerKey) Call(_ context.Context, _ string, body any) (json.RawMessage, error) {
	return json.Marshal(body.(ovhapi.StreetsRequest).InseeCode)
}

func helperCmd(t *testing.T, mode, path string, from, n int) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		helperEnv+"="+mode,
		"STORE_HELPER_PATH="+path,
		"STORE_HELPER_FROM="+strconv.Itoa(from),
		"STORE_HELPER_N="+strconv.Itoa(n),
	)
	return cmd
}

// checkKeys asserts that a fresh Store on path answers keys [from, from+n)
// without asking anyone.
func checkKeys(t *testing.T, path string, from, n int) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := s.Wrap(ovhapi.CallerFunc(func(_ context.Context, route string, body any) (json.RawMessage, error) {
		return nil, fmt.Errorf("key %v not in the cache", body)
	}), ep, Options{MemoryEntries: -1})
	for i := from; i < from+n; i++ {
		raw, err := c.Call(t.Context(), ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		if want := strconv.Quote(strconv.Itoa(i)); string(raw) != want {
			t.Fatalf("key %d = %s, want %s", i, raw, want)
		}
	}
}

func TestTwoProcessesShareFile(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip()
	}
	_, path := openTemp(t) // the file exists, as after an earlier run
	const n = 200
	cmd := helperCmd(t, "write", path, 0, n)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The parent writes its own keys at the same time, from several
	// goroutines, through another Store (another connection pool).
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Wrap(answerKey{}, ep, Options{})
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("helper said %q, %v\n%s", line, err, stderr.String())
	}
	io.WriteString(stdin, "go\n")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := n + w; i < 2*n; i += 4 {
				if _, err := c.Call(t.Context(), ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, stderr.String())
	}
	if st := c.Stats(); st.StoreErrors != 0 || st.Misses != n {
		t.Errorf("parent stats %+v, want %d misses and no store error", st, n)
	}
	s.Close()
	checkKeys(t, path, 0, 2*n)
}

func TestKilledProcessKeepsAnswers(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip()
	}
	path := t.TempDir() + "/cache.db"
	const n = 30
	cmd := helperCmd(t, "kill", path, 1000, n)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	stored := 0
	for stored < n && sc.Scan() {
		if strings.HasPrefix(sc.Text(), "stored ") {
			stored++
		}
	}
	if stored != n {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper stored %d keys, want %d\n%s", stored, n, stderr.String())
	}
	// kill -9: no Close, no checkpoint; the WAL holds the commits.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	checkKeys(t, path, 1000, n)
}
