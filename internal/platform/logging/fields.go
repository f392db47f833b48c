package logging

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Fields are what handlers deeper in the chain learn about a request
// (which GraphQL root fields ran, for which organisation and roles) and
// want on its access log line, which the outermost middleware writes when
// the request is over. Only values of bounded length belong here, and
// never personal data: no names, personnummer, variables or query text.
type Fields struct {
	mu     sync.Mutex
	keys   []string // in the order first set
	values map[string][]string
}

// Bounds of what Fields hold, so that no client can make a log line as
// long as it likes.
const (
	maxFieldValues = 20  // values of one list field; more are counted
	maxFieldValue  = 100 // characters of one value
)

type fieldsKey struct{}

// WithFields returns a context carrying a fresh, empty Fields.
func WithFields(ctx context.Context) (context.Context, *Fields) {
	f := &Fields{values: map[string][]string{}}
	return context.WithValue(ctx, fieldsKey{}, f), f
}

// SetField records key=value on the request's Fields (none in ctx: a
// no-op), replacing an earlier value.
func SetField(ctx context.Context, key, value string) {
	if f, ok := ctx.Value(fieldsKey{}).(*Fields); ok {
		f.set(key, []string{cut(value)}, false)
	}
}

// AddToField adds values to the list field key, each once, in order:
// `root_fields=cases,meetings`. A long-lived request (a WebSocket)
// collects the values of all its operations.
func AddToField(ctx context.Context, key string, values ...string) {
	if f, ok := ctx.Value(fieldsKey{}).(*Fields); ok {
		cutValues := make([]string, len(values))
		for i, v := range values {
			cutValues[i] = cut(v)
		}
		f.set(key, cutValues, true)
	}
}

func (f *Fields) set(key string, values []string, add bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, seen := f.values[key]
	if !seen {
		f.keys = append(f.keys, key)
	}
	if !add {
		f.values[key] = values
		return
	}
	for _, v := range values {
		if !slices.Contains(old, v) {
			old = append(old, v)
		}
	}
	f.values[key] = old
}

// Attrs returns the fields as slog key-value pairs, list values joined
// with "," and cut at maxFieldValues ("…+N" counts the rest).
func (f *Fields) Attrs() []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	attrs := make([]any, 0, 2*len(f.keys))
	for _, k := range f.keys {
		v := f.values[k]
		joined := strings.Join(v, ",")
		if n := len(v); n > maxFieldValues {
			joined = strings.Join(v[:maxFieldValues], ",") + ",…+" + strconv.Itoa(n-maxFieldValues)
		}
		attrs = append(attrs, k, joined)
	}
	return attrs
}

func cut(s string) string {
	if r := []rune(s); len(r) > maxFieldValue {
		return string(r[:maxFieldValue]) + "…"
	}
	return s
}
