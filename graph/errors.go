package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// presentError is the one place where errors become GraphQL errors with an
// extensions.code from the closed set of apperr. Application errors keep
// their message; gqlgen's own request errors (parse, validation, limits,
// argument coercion) become BAD_USER_INPUT; anything else is INTERNAL with a
// generic message, and the detail goes to the log with the request id.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)

	var appErr *apperr.Error
	switch {
	case errors.As(err, &appErr):
		gqlErr.Message = appErr.Message
		setCode(gqlErr, appErr.Code)
	case isRequestError(err, gqlErr):
		gqlErr.Message = cleanRequestMessage(gqlErr.Message)
		setCode(gqlErr, apperr.Invalid)
	default:
		logging.FromContext(ctx).Error("internal error in GraphQL request",
			"error", err.Error(), "path", gqlErr.Path.String())
		gqlErr.Message = apperr.MessageOf(err)
		gqlErr.Extensions = nil
		setCode(gqlErr, apperr.Internal)
	}
	return gqlErr
}

// isRequestError tells gqlgen's own errors about the request apart from
// errors that resolvers returned: the former are *gqlerror.Error values
// (parse and validation errors carry a code; argument coercion errors wrap
// the scalar's unmarshal error), the latter are plain Go errors.
func isRequestError(err error, gqlErr *gqlerror.Error) bool {
	var direct *gqlerror.Error
	if !errors.As(err, &direct) {
		return false
	}
	if _, ok := gqlErr.Extensions["code"]; ok {
		return true
	}
	// A gqlerror wrapping a non-gqlerror error: coercion of an argument.
	return direct.Err == nil || !isInternal(direct.Err)
}

// isInternal reports errors that must never reach a client verbatim
// (database errors and the like reach resolvers wrapped with %w).
func isInternal(err error) bool {
	var appErr *apperr.Error
	if errors.As(err, &appErr) {
		return false
	}
	// Scalar unmarshal errors are plain errors.New/fmt.Errorf values without
	// a wrapped cause; anything wrapping a cause came from deeper down.
	return errors.Is(err, errPanic) || errors.Unwrap(err) != nil
}

func setCode(e *gqlerror.Error, code apperr.Code) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
}

// cleanRequestMessage trims gqlgen messages that echo the whole request body.
func cleanRequestMessage(msg string) string {
	if strings.HasPrefix(msg, "json request body could not be decoded") {
		return "the request body is not a valid GraphQL-over-HTTP JSON request: " +
			"expected an object with \"query\" (string), optional \"variables\" (object), " +
			"\"operationName\" (string) and \"extensions\" (object)"
	}
	// Coercion messages quote the value ("String cannot represent a non
	// string value: 198503129804"); a personnummer sent with the wrong
	// type must not come back, nor reach a log.
	return identityNumberLike.ReplaceAllString(msg, "[redacted]")
}

// identityNumberLike matches anything that could be a personnummer or
// samordningsnummer: ten or twelve digits, perhaps with a separator.
var identityNumberLike = regexp.MustCompile(`\d{6,8}[-+]?\d{4}`)

// recoverPanic turns a resolver panic into an INTERNAL error and logs it.
func recoverPanic(ctx context.Context, p any) error {
	logging.FromContext(ctx).Error("panic in GraphQL resolver", "panic", fmt.Sprint(p))
	return errPanic // presented as INTERNAL
}

// errPanic stands for a recovered panic: an internal error, whose detail
// is in the log only.
var errPanic = errors.New("panic in resolver")
