package model

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DateLayout is the wire format of the Date scalar.
const DateLayout = "2006-01-02"

// MarshalDate renders a Date scalar.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(DateLayout)))
	})
}

// UnmarshalDate parses a Date scalar ("YYYY-MM-DD").
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("a Date must be a string \"YYYY-MM-DD\"")
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date \"YYYY-MM-DD\"", s)
	}
	return t, nil
}
