package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/app"
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
	case keepsEcosystemCode(gqlErr):
		// Clients act on these codes themselves (Apollo's persisted-query
		// link sends the whole query on PERSISTED_QUERY_NOT_FOUND): they
		// stay exactly as gqlgen wrote them.
	case errors.As(err, &appErr):
		gqlErr.Message = appErr.Message
		setCode(gqlErr, appErr.Code)
	case isRequestError(err, gqlErr):
		gqlErr.Message = cleanRequestMessage(explainOperationNotFound(ctx, gqlErr.Message))
		setCode(gqlErr, apperr.Invalid)
	default:
		logging.FromContext(ctx).Error("internal error in GraphQL request",
			"error", err.Error(), "path", gqlErr.Path.String())
		gqlErr.Message = internalMessage(err)
		gqlErr.Extensions = nil
		setCode(gqlErr, apperr.Internal)
	}
	return gqlErr
}

// internalMessage is what a client is told of an error of the hub's own:
// a generic message, unless the work was stopped for taking too long,
// which the client can act on (ask for less, or later). Either way the
// unit of work was rolled back.
func internalMessage(err error) string {
	switch {
	case app.StatementTimedOut(err):
		return "a database statement of this request ran past the hub's statement timeout and was stopped; " +
			"nothing was changed. Ask for less (a smaller page, a narrower filter or window) or try again later"
	case app.DatabaseUnavailable(err):
		return databaseUnavailableMessage
	case errors.Is(err, context.DeadlineExceeded):
		return "this request ran past its time limit and was stopped; nothing was changed. " +
			"Ask for less (a smaller page, fewer fields) or try again later"
	}
	return apperr.MessageOf(err)
}

// databaseUnavailableMessage is what a client is told when the database
// could not be reached or was lost before the work was committed.
const databaseUnavailableMessage = "the hub's database is unavailable (restarting or out of reach); " +
	"this request was stopped and nothing was changed. Try again in a few seconds"

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

// ecosystemCodes are the extensions.code values that GraphQL clients know
// and act on, outside the hub's closed set (apperr): Apollo's automatic
// persisted queries (the link retries with the whole document on
// PERSISTED_QUERY_NOT_FOUND, and stops sending hashes on
// PERSISTED_QUERY_NOT_SUPPORTED).
var ecosystemCodes = []string{"PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"}

func keepsEcosystemCode(e *gqlerror.Error) bool {
	code, _ := e.Extensions["code"].(string)
	return slices.Contains(ecosystemCodes, code)
}

// maxListedOperations bounds the operation names a message lists.
const maxListedOperations = 10

// explainOperationNotFound replaces gqlgen's "operation  not found" (a
// document of several operations and no operationName, or a name that is
// not in it) with a message that says which, and lists the document's
// operations; other messages pass unchanged.
func explainOperationNotFound(ctx context.Context, msg string) string {
	if !strings.HasPrefix(msg, "operation ") || !strings.HasSuffix(msg, " not found") || !graphql.HasOperationContext(ctx) {
		return msg
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Doc == nil || oc.Operation != nil {
		return msg
	}
	var names []string
	for _, op := range oc.Doc.Operations {
		name := op.Name
		if name == "" {
			name = "(anonymous)"
		}
		names = append(names, truncate(name, 50))
	}
	listed := strings.Join(names, ", ")
	if n := len(names); n > maxListedOperations {
		listed = strings.Join(names[:maxListedOperations], ", ") + fmt.Sprintf(", … (%d in all)", n)
	}
	if oc.OperationName == "" {
		return fmt.Sprintf("the document has %d operations and the request names none: "+
			"send \"operationName\" with the one to run (the document has: %s)", len(names), listed)
	}
	return fmt.Sprintf("the document has no operation named %q (operationName): it has %s",
		truncate(oc.OperationName, 50), listed)
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
