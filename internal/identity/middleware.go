package identity

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// maxAuthorizationHeader bounds the Authorization header read.
const maxAuthorizationHeader = MaxTokenBytes + len("Bearer ")

// Refusal is told about requests refused after the person was identified
// (FORBIDDEN), so that they can be audited.
type Refusal func(r *http.Request, p *Principal, reason string)

// Middleware requires a verified bearer token on every request it guards and
// puts the principal in the request context. Without a valid token it
// answers 401 (UNAUTHENTICATED); for a valid person whose token asks for a
// role their organisation does not grant, 403 (FORBIDDEN). CORS preflight
// (OPTIONS) passes: it carries no token and gets no data.
func Middleware(a *Authenticator, refused Refusal, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") && r.Header.Get("Authorization") == "" {
			// Browsers cannot set headers on a WebSocket: the token comes in
			// the connection_init message, and the GraphQL transport
			// authenticates it there (graph.NewHandler) before any
			// operation runs.
			next.ServeHTTP(w, r)
			return
		}
		raw, err := bearerToken(r.Header.Get("Authorization"))
		if err != nil {
			writeAuthError(w, http.StatusUnauthorized, err)
			return
		}
		p, err := a.Authenticate(r.Context(), raw)
		if err != nil {
			status := http.StatusUnauthorized
			if apperr.CodeOf(err) == apperr.Forbidden {
				status = http.StatusForbidden
				if refused != nil && p != nil {
					refused(r, p, apperr.MessageOf(err))
				}
			} else if apperr.CodeOf(err) != apperr.Unauthenticated {
				logging.FromContext(r.Context()).Error("authentication failed", "error", err.Error())
				err = apperr.New(apperr.Internal, "internal error")
				status = http.StatusInternalServerError
			}
			writeAuthError(w, status, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

func bearerToken(header string) (string, error) {
	if header == "" {
		return "", unauthenticated("authentication required: send the header Authorization: Bearer <access token>")
	}
	if len(header) > maxAuthorizationHeader {
		return "", unauthenticated("bearer token is larger than %d bytes", MaxTokenBytes)
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", unauthenticated("the Authorization header must be \"Bearer <access token>\"")
	}
	return strings.TrimSpace(token), nil
}

func writeAuthError(w http.ResponseWriter, status int, err error) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hub", error="invalid_token"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"message":    apperr.MessageOf(err),
			"extensions": map[string]any{"code": string(apperr.CodeOf(err))},
		}},
	})
}
