package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/platform/config"
)

// directoryCmd: `hub directory import FILE --org NNNNNN-NNNN` loads a phone
// list (CSV, docs/directory.md) for one organisation, all or nothing, and
// reports every bad line; `hub directory export [--org NNNNNN-NNNN]` writes
// the live entries in the same format. Both take the owner's database URL.
func directoryCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		return fmt.Errorf("hub directory: use \"hub directory import FILE --org NNNNNN-NNNN\" or \"hub directory export [--org NNNNNN-NNNN]\"")
	}
	verb := args[0]
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub directory "+verb, flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL, the owner's ($HUB_DATABASE_URL)")
	orgNumber := fs.String("org", "", "the organisation's organisationsnummer, NNNNNN-NNNN")
	// Flags may come before or after the file.
	var positional []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("hub directory: no database: set HUB_DATABASE_URL or --database-url")
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	var org *uuid.UUID
	if *orgNumber != "" {
		var id uuid.UUID
		if err := pool.QueryRow(ctx, `SELECT id FROM organizations WHERE org_number = $1`, *orgNumber).Scan(&id); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("hub directory: no organisation with organisationsnummer %q", *orgNumber)
			}
			return err
		}
		org = &id
	}
	if verb == "export" {
		n, err := csv.Export(ctx, pool, org, os.Stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "exported %d entries\n", n)
		return nil
	}
	if len(positional) != 1 || org == nil {
		return fmt.Errorf("hub directory import: name one FILE and the organisation with --org NNNNNN-NNNN")
	}
	f, err := os.Open(positional[0])
	if err != nil {
		return fmt.Errorf("hub directory import: %w", err)
	}
	defer f.Close()
	rows, err := csv.Parse(f)
	if err != nil {
		return err
	}
	var res csv.ImportResult
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		res, err = csv.Import(ctx, tx, *org, "import:"+filepath.Base(positional[0]), time.Now(), rows)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("imported %d entries: %d new, %d changed, %d unchanged\n",
		res.Added+res.Changed+res.Unchanged, res.Added, res.Changed, res.Unchanged)
	return nil
}
