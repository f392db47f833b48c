package load

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/samverkanshub/hub/internal/devidp"
)

// GQL is the body of a GraphQL request.
func GQL(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// Query sends a GraphQL request as SendWith does and decodes its data
// into data. A status other than 200 or a response with errors is a
// failure.
func Query(client *http.Client, endpoint, token string, header http.Header, body []byte, data any) error {
	b, status, err := do(client, endpoint, token, header, body)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.300s", status, b)
	}
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%s", res.Errors[0].Message)
	}
	return json.Unmarshal(res.Data, data)
}

// PasswordGrant asks the dev identity provider for an access token of a
// demo user (as `hub token` does).
func PasswordGrant(client *http.Client, issuer, login string) (string, error) {
	form := url.Values{"grant_type": {"password"}, "client_id": {devidp.ClientCLI}, "username": {login}, "password": {devidp.Password}}
	res, err := client.PostForm(strings.TrimRight(issuer, "/")+"/token", form)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("refused: %s", body.Error)
	}
	return body.AccessToken, nil
}

// Tokens gets a token of each login from the dev identity provider.
func Tokens(client *http.Client, issuer string, logins ...string) (map[string]string, error) {
	tokens := map[string]string{}
	for _, u := range logins {
		if _, ok := tokens[u]; ok {
			continue
		}
		tok, err := PasswordGrant(client, issuer, u)
		if err != nil {
			return nil, fmt.Errorf("token of %s: %w", u, err)
		}
		tokens[u] = tok
	}
	return tokens, nil
}

// SortedKeys returns m's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Post sends one GraphQL request as SendWith does and returns the
// response's status and body as they came, for a caller that classifies
// failures itself (bench/soak).
func Post(client *http.Client, endpoint, token string, header http.Header, body []byte) ([]byte, int, error) {
	return do(client, endpoint, token, header, body)
}
