package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/samverkanshub/hub/internal/platform/config"
)

// healthcheckCmd asks the API this container (or host) serves whether it
// is ready, for the image's HEALTHCHECK: the distroless image has no curl.
// It reads the address as hub serve does (--http-addr, $HUB_HTTP_ADDR), so
// the container's environment gives both the same; a wildcard or missing
// host is asked on loopback.
func healthcheckCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("hub healthcheck", flag.ContinueOnError)
	addr := fs.String("http-addr", envOr("HUB_HTTP_ADDR", config.Defaults().HTTPAddr), "address the API listens on, as for hub serve ($HUB_HTTP_ADDR)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	url, err := readyURL(*addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not healthy: %s: %w", url, unwrapURLError(err))
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s answered %s %s", url, res.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(os.Stdout, "ready:", url)
	return nil
}

// readyURL is the /readyz URL of the API listening on addr (host:port).
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--http-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening on every address, loopback among them
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// unwrapURLError drops url.Error's repetition of method and URL.
func unwrapURLError(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
