package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/keys"
	"github.com/samverkanshub/hub/internal/platform/config"
)

// individualsCmd: `hub individuals rekey` re-seals every identity number
// with the active key of HUB_PII_KEYS (the first), so that an old key can
// be removed from the ring afterwards. Run it with the owner's database
// URL and the new ring (new key first, old keys after it). Each batch is
// audited in the trail of the organisation whose people it re-sealed
// (operation type cli, in the operator's name).
func individualsCmd(ctx context.Context, args []string) error {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub individuals", flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL, the owner's ($HUB_DATABASE_URL)")
	fs.StringVar(&cfg.PIIKeys, "pii-keys", os.Getenv("HUB_PII_KEYS"), "key ring: the new key first, then every key still in use ($HUB_PII_KEYS)")
	fs.StringVar(&cfg.PIIIndexKey, "pii-index-key", os.Getenv("HUB_PII_INDEX_KEY"), "blind index key ($HUB_PII_INDEX_KEY)")
	batch := fs.Int("batch", 1000, "numbers re-sealed per transaction (each with its audit record)")
	operator := fs.String("as", operatorName(), "who re-seals, for the audit trail (default: your login)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 || fs.Arg(0) != "rekey" || *batch < 1 {
		return fmt.Errorf("hub individuals: use \"hub individuals [--batch N] [--as NAME] rekey\"")
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("hub individuals: no database: set HUB_DATABASE_URL or --database-url")
	}
	ring, err := piiKeys(&cfg)
	if err != nil {
		return err
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := keys.New(&app.App{Pool: pool, Keys: ring}).Rekey(ctx, *operator, *batch)
	if err != nil {
		return fmt.Errorf("%w (so far %d identity numbers re-sealed)", err, res.Numbers)
	}
	fmt.Printf("re-sealed %d identity numbers of %d organisations with key %q (%d batches, each audited)\n",
		res.Numbers, res.Organizations, res.KeyID, res.Batches)
	return nil
}
