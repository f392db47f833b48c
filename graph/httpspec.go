package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// checkParams rejects requests that carry no GraphQL document: no "query"
// and no persisted-query extension. Other malformations (bad JSON, wrong
// types) are already answered with 400 by gqlgen. It restores the body for
// the handler. A non-zero status means: answer with it and msg.
func checkParams(r *http.Request) (status int, msg string) {
	const missing = "the request has no GraphQL document: send \"query\" (or a persisted-query hash in \"extensions\")"
	switch r.Method {
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return http.StatusBadRequest, "the URL query string is malformed"
		}
		if q.Get("query") == "" && q.Get("extensions") == "" {
			return http.StatusBadRequest, missing
		}
	case http.MethodPost:
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			// gqlgen answers other content types itself.
			return 0, ""
		}
		body, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than the limit of %d bytes", tooLarge.Limit)
		}
		if err != nil {
			return http.StatusBadRequest, "the request body could not be read"
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var p struct {
			Query      *json.RawMessage `json:"query"`
			Extensions *json.RawMessage `json:"extensions"`
		}
		if json.Unmarshal(body, &p) != nil {
			return 0, "" // gqlgen reports the JSON error
		}
		if (p.Query == nil || string(*p.Query) == "null" || string(*p.Query) == `""`) &&
			(p.Extensions == nil || string(*p.Extensions) == "null") {
			return http.StatusBadRequest, missing
		}
	}
	return 0, ""
}

// contentTypeProblem says what is wrong with a POST's Content-Type, or
// "" when it is one the POST transport reads (application/json, any
// parameters such as charset).
func contentTypeProblem(r *http.Request) string {
	if r.Method != http.MethodPost {
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "the request has no Content-Type header: send the GraphQL request as JSON with Content-Type: application/json (the only media type POST /graphql accepts)"
	}
	if mediaType, _, err := mime.ParseMediaType(ct); err == nil && mediaType == "application/json" {
		return ""
	}
	if len(ct) > 100 {
		ct = ct[:100] + "…"
	}
	return fmt.Sprintf("Content-Type %q is not accepted: send the GraphQL request as JSON with Content-Type: application/json (the only media type POST /graphql accepts)", ct)
}

// dropNullData removes `"data": null` from a request-error response: the
// specification says such a response has no data entry.
func dropNullData(body []byte) []byte {
	var resp map[string]json.RawMessage
	if json.Unmarshal(body, &resp) != nil {
		return body
	}
	if d, ok := resp["data"]; !ok || string(d) != "null" {
		return body
	}
	delete(resp, "data")
	out, err := json.Marshal(resp)
	if err != nil {
		return body
	}
	return out
}

// writeRequestError answers a request that never reached GraphQL execution.
func writeRequestError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"message":    msg,
			"extensions": map[string]any{"code": "BAD_USER_INPUT"},
		}},
	})
}
