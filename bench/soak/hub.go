package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
)

// hub sends the soak's requests and counts them by kind, with every
// failure classified (HTTP status, GraphQL code or transport).
type hub struct {
	client   *http.Client
	endpoint string
	tokens   map[string]string

	mu       sync.Mutex
	requests map[string]int     // kind → requests sent
	errors   map[string]int     // kind + class → failures
	examples map[string]string  // kind + class → the first message
	latency  map[string][]int64 // kind → microseconds of the successful ones
}

func newHub(client *http.Client, endpoint string, tokens map[string]string) *hub {
	return &hub{client: client, endpoint: endpoint, tokens: tokens, requests: map[string]int{}, errors: map[string]int{},
		examples: map[string]string{}, latency: map[string][]int64{}}
}

// gqlError is a GraphQL error as the hub presents it.
type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

// call sends one request of kind as user under purpose ("" for none) and
// decodes its data into out (nil: not decoded). Any failure is counted
// under kind and returned.
func (h *hub) call(kind, user, purpose, query string, vars map[string]any, out any) error {
	header := http.Header{}
	if purpose != "" {
		header.Set("Hub-Purpose", purpose)
	}
	t0 := time.Now()
	body, status, err := load.Post(h.client, h.endpoint, h.tokens[user], header, load.GQL(query, vars))
	took := time.Since(t0)
	var class string
	var res struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	switch {
	case err != nil:
		class = "transport"
	case status != http.StatusOK:
		class = fmt.Sprintf("HTTP %d", status)
		err = fmt.Errorf("status %d: %.300s", status, body)
	default:
		if err = json.Unmarshal(body, &res); err != nil {
			class = "not JSON"
		} else if len(res.Errors) > 0 {
			class = "GraphQL " + res.Errors[0].Extensions.Code
			err = fmt.Errorf("%s: %s", res.Errors[0].Extensions.Code, res.Errors[0].Message)
		} else if out != nil {
			if err = json.Unmarshal(res.Data, out); err != nil {
				class = "unexpected data"
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests[kind]++
	if err != nil {
		key := kind + " | " + class
		h.errors[key]++
		if _, ok := h.examples[key]; !ok {
			h.examples[key] = fmt.Sprintf("%s as %s: %.300s", kind, user, err)
		}
		return fmt.Errorf("%s as %s: %w", kind, user, err)
	}
	h.latency[kind] = append(h.latency[kind], took.Microseconds())
	return nil
}

// errorCount is the failures of every kind together.
func (h *hub) errorCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return sum(h.errors)
}

// requestCount is the requests of every kind together.
func (h *hub) requestCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return sum(h.requests)
}

func sum(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// report prints the requests by kind with their p50/p99, then the
// failures by kind and class.
func (h *hub) report(elapsed time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	total := sum(h.requests)
	fmt.Printf("\nrequests by kind (%d in %s, %.1f req/s):\n", total, elapsed.Round(time.Second), float64(total)/elapsed.Seconds())
	fmt.Printf("| %-34s | %8s | %6s | %8s | %8s |\n", "kind", "requests", "errors", "p50 ms", "p99 ms")
	fmt.Printf("|%s|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 36), strings.Repeat("-", 9), strings.Repeat("-", 7), strings.Repeat("-", 9), strings.Repeat("-", 9))
	for _, k := range load.SortedKeys(h.requests) {
		lat := h.latency[k]
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		errs := 0
		for key, n := range h.errors {
			if strings.HasPrefix(key, k+" | ") {
				errs += n
			}
		}
		fmt.Printf("| %-34s | %8d | %6d | %8.2f | %8.2f |\n", k, h.requests[k], errs, pct(lat, 50), pct(lat, 99))
	}
	if len(h.errors) == 0 {
		fmt.Println("\nerrors: none")
		return
	}
	fmt.Println("\nerrors by kind and class (the first message of each):")
	for _, key := range load.SortedKeys(h.errors) {
		fmt.Printf("  %-60s %6d  %s\n", key, h.errors[key], h.examples[key])
	}
}

func pct(sorted []int64, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[min(len(sorted)*p/100, len(sorted)-1)]) / 1000
}
