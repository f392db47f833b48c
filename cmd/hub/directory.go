package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// directoryCmd: `hub directory import FILE --org NNNNNN-NNNN` loads a phone
// list (CSV, docs/directory.md) for one organisation, all or nothing, and
// reports every bad line; `hub directory export [--org NNNNNN-NNNN]` writes
// the live entries in the same format. Both take the owner's database URL.
// Import reads what Swedish Excel writes (semicolons, Windows-1252, a byte
// order mark) as well as commas and UTF-8, detecting both
// (--separator/--encoding force one); export writes --dialect standard or
// excel-sv (docs/directory.md, "CSV dialects").
func directoryCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		return fmt.Errorf("hub directory: use \"hub directory import FILE --org NNNNNN-NNNN\" or \"hub directory export [--org NNNNNN-NNNN]\"")
	}
	verb := args[0]
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub directory "+verb, flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL, the owner's ($HUB_DATABASE_URL)")
	orgNumber := fs.String("org", "", "the organisation's organisationsnummer, NNNNNN-NNNN")
	operator := fs.String("as", operatorName(), "who imports, for the audit trail (default: your login)")
	separator := fs.String("separator", "auto", "import: the file's separator, auto (from the header line), comma or semicolon")
	encoding := fs.String("encoding", "", "import: auto (default), utf-8 or windows-1252; export: utf-8 (default) or windows-1252")
	dialectName := fs.String("dialect", "standard", "export: standard (commas, LF, UTF-8) or excel-sv (semicolons, CRLF, UTF-8 with BOM; Windows-1252 with --encoding windows-1252)")
	positional, err := parseInterleaved(fs, args[1:]) // flags before or after the file
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("hub directory: no database: set HUB_DATABASE_URL or --database-url")
	}
	var in csvdialect.Input
	var dialect csvdialect.Dialect
	if verb == "export" {
		dialect, err = csvdialect.ParseDialect(*dialectName, *encoding)
	} else {
		in.Separator, err = csvdialect.ParseSeparator(*separator)
		if err == nil {
			in.Encoding, err = csvdialect.ParseEncoding(*encoding)
		}
	}
	if err != nil {
		return fmt.Errorf("hub directory %s: %w", verb, err)
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	var org *uuid.UUID
	var kind tenancy.OrganizationKind
	if *orgNumber != "" {
		var id uuid.UUID
		if err := pool.QueryRow(ctx, `SELECT id, kind::text FROM organizations WHERE org_number = $1`, *orgNumber).Scan(&id, &kind); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("hub directory: no organisation with organisationsnummer %q", *orgNumber)
			}
			return err
		}
		org = &id
	}
	if verb == "export" {
		n, err := csv.Export(ctx, pool, org, os.Stdout, dialect)
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
	res, err := importDirectory(ctx, pool, *org, kind, *operator, filepath.Base(positional[0]), f, in)
	if err != nil {
		return err
	}
	fmt.Printf("imported %d entries: %d new, %d changed, %d unchanged\n",
		res.Added+res.Changed+res.Unchanged, res.Added, res.Changed, res.Unchanged)
	return nil
}

// importDirectory imports a phone list for an organisation through the
// directory's use case, as its ORG_ADMIN in the operator's name, and
// audits it like the API does: all or nothing, with its audit record.
func importDirectory(ctx context.Context, pool *pgxpool.Pool, org uuid.UUID, kind tenancy.OrganizationKind, operator, file string, r io.Reader, in csvdialect.Input) (csv.ImportResult, error) {
	authorizer, err := authz.New(authz.SamtyckeInForce)
	if err != nil {
		return csv.ImportResult{}, err
	}
	if err := authorizer.Load(ctx, pool); err != nil {
		return csv.ImportResult{}, err
	}
	application := &app.App{Pool: pool, Authz: authorizer}
	w := application.Begin(app.CommandLineActor(org, kind, operator, identity.OrgAdmin))
	res, err := vagin.New(application, nil).Import(ctx, w, r, in)
	op := app.Operation{Type: "cli", Name: "directory import " + file}
	// A lost audit record is said, whether the import worked or not.
	return res, errors.Join(err, w.Finish(ctx, op, err != nil, "the import failed and was rolled back"))
}

// operatorName is who runs a command: $USER, or the login of the
// process's user.
func operatorName() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
