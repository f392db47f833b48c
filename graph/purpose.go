package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// PurposeHeader is the HTTP header in which a request declares its
// purpose: one Purpose value, which must be one the principal's roles act
// under. The purpose decides which samtycken apply, and is written to the
// audit record and the loggutdrag.
const PurposeHeader = "Hub-Purpose"

// declaredPurpose validates the header's value for principal p ("" when
// the request declares none).
func declaredPurpose(header string, p *identity.Principal) (consent.Purpose, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return "", nil
	}
	purpose := consent.Purpose(header)
	if !slices.Contains(consent.Purposes, purpose) {
		return "", apperr.Invalidf("%s: unknown purpose %q (one of %s)", PurposeHeader, truncate(header, 40), joinPurposes(consent.Purposes))
	}
	if p == nil {
		return "", apperr.New(apperr.Unauthenticated, "authentication required")
	}
	allowed := consent.AllowedPurposes(p.Roles)
	if !slices.Contains(allowed, purpose) {
		return "", apperr.Errorf(apperr.Forbidden, "%s: your roles do not act under %s (they act under: %s)", PurposeHeader, purpose, joinPurposes(allowed))
	}
	return purpose, nil
}

func joinPurposes(ps []consent.Purpose) string {
	if len(ps) == 0 {
		return "none"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

func truncate(s string, n int) string {
	if len([]rune(s)) > n {
		return string([]rune(s)[:n]) + "…"
	}
	return s
}

type purposeKey struct{}

func withPurpose(ctx context.Context, p consent.Purpose) context.Context {
	return context.WithValue(ctx, purposeKey{}, p)
}

// purposeOf is the request's declared purpose ("" if none).
func purposeOf(ctx context.Context) consent.Purpose {
	p, _ := ctx.Value(purposeKey{}).(consent.Purpose)
	return p
}

// requirePurpose returns the declared purpose, or tells the caller to
// declare one: every operation on personal data states why.
func requirePurpose(ctx context.Context) (consent.Purpose, error) {
	if p := purposeOf(ctx); p != "" {
		return p, nil
	}
	return "", apperr.Invalidf("declare the purpose of this request in the %s header (one of %s)", PurposeHeader, joinPurposes(consent.Purposes))
}

// accessLogPurpose is the purpose under which p reads a person's
// loggutdrag (accessLog), or tells p to declare one. This is the one place
// that decides it.
//
// A LOGGRANSKARE reviews logs as their statutory task (following up who
// accessed personal data), not as part of anyone's case: the role acts
// under no samtycke purpose (consent.AllowedPurposes gives it none, so it
// could not declare one if it tried) and reads without one. The row this
// reading writes into the loggutdrag then has no purpose, and its role,
// LOGGRANSKARE, shows the basis. Anyone else who may read the log (the
// lead of one of the person's cases) reads it as part of their casework,
// and declares why like every other read of personal data: otherwise the
// person's log would show a caseworker reading it for no stated reason.
func accessLogPurpose(ctx context.Context, p *identity.Principal) (consent.Purpose, error) {
	if p.Has(identity.Loggranskare) {
		return purposeOf(ctx), nil
	}
	return requirePurpose(ctx)
}

// errorResponse is a response with one error and no data, for operations
// refused before they run.
func errorResponse(err error) *graphql.Response {
	return &graphql.Response{Errors: gqlerror.List{{
		Message:    apperr.MessageOf(err),
		Extensions: map[string]any{"code": string(apperr.CodeOf(err))},
	}}}
}
