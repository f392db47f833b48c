// Package apperr defines the hub's closed set of application error codes.
// Domain packages return *Error for everything a caller may be told about;
// any other error is internal. The GraphQL layer maps codes to
// extensions.code in exactly one place (graph/errors.go).
package apperr

import (
	"errors"
	"fmt"
)

// Code is an application error code; its value is the GraphQL extensions.code.
type Code string

// The codes. NotFound also stands for "exists, but you may not see it".
const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	Invalid         Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	Internal        Code = "INTERNAL"
	// RateLimited: too many requests; HTTP answers it with 429 and
	// Retry-After (docs/metrics-and-limits.md).
	RateLimited Code = "RATE_LIMITED"
)

// Error is an error a client may see: a code and a message safe to show.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// New returns an application error.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Errorf returns an application error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf is the one way to say "no such thing, or not yours to see".
func NotFoundf(format string, args ...any) *Error { return Errorf(NotFound, format, args...) }

// Invalidf reports bad input, naming the problem.
func Invalidf(format string, args ...any) *Error { return Errorf(Invalid, format, args...) }

// CodeOf returns the code of the first application error in err's chain, or
// Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the client-safe message for err: the application error's
// message, or a generic one for anything else.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
