// Package browsertest starts a real browser for tests: headless Chromium
// from Debian's packages (`apt-get install chromium`; .ci/run installs it),
// driven with chromedp. A test that needs it fails, never skips, when
// Chromium is missing.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultPath is where Debian's chromium package puts the browser; the
// environment variable HUB_CHROMIUM names another.
const DefaultPath = "/usr/bin/chromium"

// Path returns the Chromium to run, or "" when there is none.
func Path() string {
	if p := os.Getenv("HUB_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat(DefaultPath); err == nil {
		return DefaultPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// New starts headless Chromium with a fresh profile and returns a chromedp
// context for one tab; the browser stops when the test ends. What the
// page wrote to its console is logged if the test fails (or HUB_TEST_LOG
// is set). Run the first
// action on the returned context without a timeout of its own (chromedp
// ties the browser's life to it); bound later steps with
// context.WithTimeout.
func New(t testing.TB) context.Context {
	t.Helper()
	path := Path()
	if path == "" {
		t.Fatalf("this test needs Chromium, and there is none at %s or on PATH: apt-get install -y chromium (or set HUB_CHROMIUM)", DefaultPath)
	}
	dir, err := os.MkdirTemp("", "hub-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Chromium's helpers may still write to the profile for a moment
		// after the browser stops.
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The flags a closed network needs (no background connections to
	// Google's services, no QUIC), and root's (no sandbox).
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	var mu sync.Mutex
	var lines []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, m.String())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("HUB_TEST_LOG") != "" {
			mu.Lock()
			t.Logf("the page's console:\n%s", strings.Join(lines, "\n"))
			mu.Unlock()
		}
	})
	return ctx
}
