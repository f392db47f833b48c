// Command hub is Samverkanshubben: the GraphQL API server and its
// operational tools.
//
//	hub serve                 run the API (production; config from flags and HUB_*)
//	hub dev                   run everything locally with demo data
//	hub migrate up|down|status
//	hub seed demo             load the demo organisations and federations
//	hub token LOGIN           print a dev access token for a demo user
//	hub audit verify          check the audit trail's hash chains
//	hub policy load FILE      store a new authorization policy
//	hub individuals rekey     re-seal identity numbers with the active key
//	hub origins add|remove|list  web origins of organisations' SPAs (CORS)
//	hub healthcheck           exit 0 if the API answers /readyz (for Docker)
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `hub: Samverkanshubben, a collaboration hub for samordningsförbund.

Usage:
  hub serve                  run the GraphQL API (needs HUB_DATABASE_URL)
  hub dev                    start a local Postgres under ./.data, load demo data, serve the API
                             on :8080 and the dev identity provider on :8081
  hub migrate up             apply all pending migrations
  hub migrate down [N]       undo the last N migrations (default 1)
  hub migrate status         show the applied and the latest migration
  hub seed demo              load the demo organisations and federations (idempotent)
  hub token LOGIN            print an access token for a demo user from the dev identity provider
  hub audit verify           check every organisation's audit hash chain (owner's database URL)
  hub policy check FILE      validate an authorization policy
  hub policy load FILE       store a policy; every replica reloads it within a second
  hub individuals rekey      re-seal identity numbers with the first key of HUB_PII_KEYS (owner's database URL)
  hub directory import FILE --org NNNNNN-NNNN
                             load a phone list (CSV) for an organisation, all or nothing
  hub directory export [--org NNNNNN-NNNN]
                             write the directory in the same CSV format
  hub origins add --org NNNNNN-NNNN [--client ID] ORIGIN...
                             let an organisation's SPA on ORIGIN call the API (CORS; also remove, list)
  hub healthcheck            exit 0 if the API at --http-addr ($HUB_HTTP_ADDR) answers /readyz
                             with 200 (the image's HEALTHCHECK)

Run "hub COMMAND -h" for the flags of a command. Every flag can also be set
with the HUB_* environment variable named in its help.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "hub:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serveCmd(ctx, rest)
	case "dev":
		return devCmd(ctx, rest)
	case "migrate":
		return migrateCmd(ctx, rest)
	case "seed":
		return seedCmd(ctx, rest)
	case "token":
		return tokenCmd(ctx, rest)
	case "audit":
		return auditCmd(ctx, rest)
	case "policy":
		return policyCmd(ctx, rest)
	case "origins":
		return originsCmd(ctx, rest)
	case "individuals":
		return individualsCmd(ctx, args[1:])
	case "directory":
		return directoryCmd(ctx, rest)
	case "healthcheck":
		return healthcheckCmd(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(os.Stdout, usage)
		return nil
	default:
		fmt.Fprintf(os.Stderr, "hub: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}
