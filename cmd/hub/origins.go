package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/config"
)

const originsUsage = `hub origins: use "hub origins list", "hub origins add --org NNNNNN-NNNN [--client ID] ORIGIN..." or "hub origins remove --org NNNNNN-NNNN [--client ID] ORIGIN..."`

// originsCmd: `hub origins add|remove|list` keeps the web origins from
// which organisations' single-page apps call the API (CORS). Every replica
// follows a change within 30 seconds. Run it with the owner's database URL.
func originsCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "remove" && args[0] != "list") {
		return errors.New(originsUsage)
	}
	verb := args[0]
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub origins "+verb, flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL, the owner's ($HUB_DATABASE_URL)")
	orgNumber := fs.String("org", "", "the organisation's organisationsnummer, NNNNNN-NNNN")
	client := fs.String("client", devidp.ClientSPA, "the SPA's OAuth client id at the organisation's identity provider")
	origins, err := parseInterleaved(fs, args[1:]) // flags before or after the origins
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("hub origins: no database: set HUB_DATABASE_URL or --database-url")
	}
	if verb != "list" && (*orgNumber == "" || len(origins) == 0) {
		return errors.New(originsUsage)
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if verb == "list" {
		regs, err := identity.ClientOrigins(ctx, pool)
		if err != nil {
			return err
		}
		for _, r := range regs {
			var number string
			if err := pool.QueryRow(ctx, `SELECT org_number FROM organizations WHERE id = $1`, r.OrgID).Scan(&number); err != nil {
				return fmt.Errorf("look up organisation %s: %w", r.OrgID, err)
			}
			fmt.Printf("%s\t%s\t%s\n", r.Origin, number, r.ClientID)
		}
		return nil
	}
	var org uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT id FROM organizations WHERE org_number = $1`, *orgNumber).Scan(&org); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("hub origins: no organisation with organisationsnummer %q", *orgNumber)
		}
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, o := range origins {
			if n, err := identity.NormalizeOrigin(o); err == nil {
				o = n // as stored, and as browsers send it
			}
			if verb == "add" {
				if err := identity.RegisterOrigin(ctx, tx, org, *client, o); err != nil {
					return err
				}
				fmt.Printf("added %s for client %s of %s\n", o, *client, *orgNumber)
				continue
			}
			removed, err := identity.RemoveOrigin(ctx, tx, org, *client, o)
			if err != nil {
				return err
			}
			if !removed {
				return fmt.Errorf("hub origins remove: %s is not registered for client %s of %s", o, *client, *orgNumber)
			}
			fmt.Printf("removed %s for client %s of %s\n", o, *client, *orgNumber)
		}
		return nil
	})
}

// parseInterleaved parses args with fs, letting flags come before, between
// or after the positional arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
