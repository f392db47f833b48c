package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/samverkanshub/hub/internal/devidp"
)

// defaultDevIssuer is where `hub dev` serves its identity provider and
// `hub token` asks, unless told otherwise (--idp-addr, --issuer).
const defaultDevIssuer = "http://localhost:8081"

// tokenCmd prints an access token for a demo user from the dev identity
// provider, for curl and scripts:
//
//	curl -H "Authorization: Bearer $(hub token soc.karlstad)" …
func tokenCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("hub token", flag.ContinueOnError)
	issuer := fs.String("issuer", envOr("HUB_DEV_ISSUER", defaultDevIssuer), "issuer URL of the dev identity provider ($HUB_DEV_ISSUER)")
	password := fs.String("password", devidp.Password, "the user's password")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("hub token: name one login, e.g. hub token soc.karlstad")
	}
	tok, err := passwordGrant(ctx, *issuer, fs.Arg(0), *password)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}

// passwordGrant finds the token endpoint through discovery and asks it for
// an access token with the password grant as client hub-cli.
func passwordGrant(ctx context.Context, issuer, login, password string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	var meta struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := getJSON(ctx, client, strings.TrimRight(issuer, "/")+"/.well-known/openid-configuration", &meta); err != nil {
		return "", fmt.Errorf("discover %s (is `hub dev` running?): %w", issuer, err)
	}
	form := url.Values{"grant_type": {"password"}, "client_id": {devidp.ClientCLI}, "username": {login}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, meta.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("token response: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token request refused: %s: %s", body.Error, body.Description)
	}
	return body.AccessToken, nil
}

func getJSON(ctx context.Context, client *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}
