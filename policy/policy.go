// Package policy embeds the default authorization model and policy (casbin).
// See README.md for the rules in prose; internal/authz enforces them.
package policy

import _ "embed"

// Model is the casbin model (model.conf).
//
//go:embed model.conf
var Model string

// Default is the policy the hub starts with (policy.csv) until a newer one
// is loaded with `hub policy load`.
//
//go:embed policy.csv
var Default string
