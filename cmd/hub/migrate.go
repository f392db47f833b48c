package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/demo/national"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// databaseFlags parses the flags of a command that only needs the database.
func databaseFlags(name string, args []string) (*config.Config, []string, error) {
	cfg := config.Defaults()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL ($HUB_DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, errUsage
	}
	if cfg.DatabaseURL == "" {
		return nil, nil, fmt.Errorf("%s: no database: set HUB_DATABASE_URL or --database-url", name)
	}
	return &cfg, fs.Args(), nil
}

func migrateCmd(ctx context.Context, args []string) error {
	cfg, rest, err := databaseFlags("hub migrate", args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("hub migrate: %w: use up, down [N] or status", errNoSubcommand)
	}
	conn, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close(context.Background())

	switch rest[0] {
	case "up":
		if err := migrate.Up(ctx, conn); err != nil {
			return err
		}
	case "down":
		n := 1
		if len(rest) > 1 {
			if n, err = strconv.Atoi(rest[1]); err != nil || n < 1 {
				return fmt.Errorf("hub migrate down: N must be a positive number, got %q", rest[1])
			}
		}
		if err := migrate.Down(ctx, conn, int32(n)); err != nil {
			return err
		}
	case "status":
	default:
		return fmt.Errorf("hub migrate: unknown subcommand %q: use up, down [N] or status", rest[0])
	}
	st, err := migrate.GetStatus(ctx, conn)
	if err != nil {
		return err
	}
	fmt.Printf("schema version %d of %d\n", st.Current, st.Latest)
	for i, name := range st.Names {
		mark := "pending"
		if int32(i) < st.Current {
			mark = "applied"
		}
		fmt.Printf("  %03d %-40s %s\n", i+1, name, mark)
	}
	return nil
}

func seedCmd(ctx context.Context, args []string) error {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub seed", flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL, the owner's ($HUB_DATABASE_URL)")
	issuer := fs.String("trust-issuer", "", "also register this OIDC issuer (e.g. Keycloak's demo realm) for every demo organisation")
	fs.StringVar(&cfg.PIIKeys, "pii-keys", envOr("HUB_PII_KEYS", piicrypt.DevRing), "key ring sealing the demo people's numbers; the API's own ($HUB_PII_KEYS, default: the development keys)")
	fs.StringVar(&cfg.PIIIndexKey, "pii-index-key", envOr("HUB_PII_INDEX_KEY", piicrypt.DevIndexKey), "blind index key ($HUB_PII_INDEX_KEY)")
	entries := fs.Int("entries", 100_000, "national: directory entries to generate")
	vcs := fs.Int("vardcentraler", 1_100, "national: vårdcentraler to generate")
	individuals := fs.Int("individuals", 1_000_000, "national: individuals to generate (0: none, and no cases or samtycken)")
	cases := fs.Int("cases", 300_000, "national: cases to generate, each for a different individual")
	consents := fs.Int("consents", 600_000, "national: samtycken to generate")
	nTasks := fs.Int("tasks", 1_000_000, "national: tasks between agencies to generate, about the cases (0: none)")
	tasksOnly := fs.Bool("tasks-only", false, "national: add only the tasks to a national data set loaded before with the same --seed, sizes and --data-day")
	casefiles := fs.Int("casefiles", -1, "national: cases (the first N) considered for SIP plans, meetings and evidence checklists (default: every case; 0: none)")
	casefilesOnly := fs.Bool("casefiles-only", false, "national: add only the plans, meetings and checklists to a national data set loaded before with the same --seed, sizes and --data-day")
	officesOnly := fs.Bool("offices-only", false, "national: move a national data set loaded before FK's and AF's functions had offices into them (docs/national-offices.md); writes nothing else")
	dataDay := fs.String("data-day", "", "national: the day (YYYY-MM-DD) the data set was loaded, which anchors its dates (default: today); the tasks' dates follow today")
	randomSeed := fs.Uint64("seed", 1, "national: random seed (the same seed and day give the same data)")
	operator := fs.String("as", operatorName(), "who seeds, for the audit trail (default: your login)")
	jwks := fs.String("trust-jwks", "", "JWKS URL of --trust-issuer, when the hub reaches it at another address than its issuer URL")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "demo" && fs.Arg(0) != "national") {
		return fmt.Errorf("hub seed: use \"hub seed [--trust-issuer URL] demo\" or \"hub seed [--entries N] [--individuals N] [--cases N] [--consents N] [--tasks N] [--casefiles N] [--tasks-only|--casefiles-only --data-day D] [--offices-only] [--seed S] national\"")
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("hub seed: no database: set HUB_DATABASE_URL or --database-url")
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	keys, err := piiKeys(&cfg)
	if err != nil {
		return err
	}
	if (*tasksOnly || *casefilesOnly || *officesOnly) && fs.Arg(0) != "national" {
		return fmt.Errorf("hub seed: --tasks-only, --casefiles-only and --offices-only are for national")
	}
	if !*tasksOnly && !*casefilesOnly && !*officesOnly {
		if err := seed.Demo(ctx, pool, keys, *operator); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
	}
	if *issuer != "" {
		var jwksURL *string
		if *jwks != "" {
			jwksURL = jwks
		}
		if err := demo.TrustIssuerWithKeys(ctx, pool, *issuer, jwksURL); err != nil {
			return fmt.Errorf("register issuer: %w", err)
		}
	}
	if fs.Arg(0) == "national" {
		if *individuals == 0 {
			*cases, *consents, *nTasks = 0, 0, 0
		}
		if *casefiles < 0 || *casefiles > *cases {
			*casefiles = *cases
		}
		start := time.Now()
		opts := national.Options{Seed: *randomSeed, Entries: *entries, Vardcentrals: *vcs,
			Individuals: *individuals, Cases: *cases, Consents: *consents, Tasks: *nTasks, TasksOnly: *tasksOnly,
			Casefiles: *casefiles, CasefilesOnly: *casefilesOnly, OfficesOnly: *officesOnly, Keys: keys,
			Progress: func(step string, rows int, took time.Duration) {
				fmt.Printf("  %-24s %9d rows  %s\n", step, rows, took.Round(time.Millisecond))
			}}
		if *dataDay != "" {
			day, err := time.Parse(time.DateOnly, *dataDay)
			if err != nil {
				return fmt.Errorf("hub seed: --data-day: %w", err)
			}
			opts.Today, opts.TasksToday = day, tenancy.Today()
		}
		if err := national.Load(ctx, pool, opts); err != nil {
			return fmt.Errorf("load national data: %w", err)
		}
		part := ""
		switch {
		case *tasksOnly:
			part = "tasks"
		case *casefilesOnly:
			part = "case files"
		case *officesOnly:
			part = "offices"
		}
		if err := auditNational(ctx, pool, *operator, *randomSeed, part); err != nil {
			return err
		}
		if *tasksOnly {
			fmt.Printf("national tasks loaded (%d tasks) in %s\n", *nTasks, time.Since(start).Round(time.Millisecond))
			return nil
		}
		if *casefilesOnly {
			fmt.Printf("national case files loaded (for %d cases) in %s\n", *casefiles, time.Since(start).Round(time.Millisecond))
			return nil
		}
		fmt.Printf("national data loaded (%d directory entries, %d individuals, %d cases, %d samtycken, %d tasks) in %s\n",
			*entries, *individuals, *cases, *consents, *nTasks, time.Since(start).Round(time.Millisecond))
		return nil
	}
	fmt.Println("demo data loaded")
	return nil
}

// auditNational leaves one audit record per organisation of what it holds
// after `hub seed national`: the load is a bulk copy for speed, outside
// the use cases, so this record is the trail's account of it (operation
// type cli, in the operator's name).
func auditNational(ctx context.Context, pool *pgxpool.Pool, operator string, randomSeed uint64, part string) error {
	sums, err := national.Summaries(ctx, pool)
	if err != nil {
		return err
	}
	a := &app.App{Pool: pool}
	for _, s := range sums {
		op := app.Operation{Type: "cli", Name: fmt.Sprintf("seedNational: bulk load (seed %d); the organisation holds %d units, %d directory entries, %d individuals, %d cases, %d samtycken, %d plans; sent %d tasks, received %d; party to %d meetings",
			randomSeed, s.Units, s.Entries, s.Individuals, s.Cases, s.Samtycken, s.Plans, s.TasksSent, s.TasksReceived, s.Meetings)}
		switch part {
		case "tasks":
			op.Name = fmt.Sprintf("seedNational: bulk load of tasks (seed %d); the organisation sent %d tasks, received %d", randomSeed, s.TasksSent, s.TasksReceived)
		case "case files":
			op.Name = fmt.Sprintf("seedNational: bulk load of plans, meetings and checklists (seed %d); the organisation holds %d plans, is party to %d meetings; sent %d tasks, received %d",
				randomSeed, s.Plans, s.Meetings, s.TasksSent, s.TasksReceived)
		case "offices":
			// Only FK's and AF's queues moved: theirs are the records.
			if s.Kind != tenancy.FK && s.Kind != tenancy.AF {
				continue
			}
			op.Name = fmt.Sprintf("seedNational: functions, tasks and meetings moved into the offices; the organisation holds %d units, %d directory entries; received %d tasks; party to %d meetings",
				s.Units, s.Entries, s.TasksReceived, s.Meetings)
		}
		if err := a.RecordOperation(ctx, app.OperatorActor(s.OrgID, s.Kind, operator), op, relay.ID(relay.TypeOrganization, s.OrgID)); err != nil {
			return fmt.Errorf("audit record of the national data: %w", err)
		}
	}
	return nil
}
