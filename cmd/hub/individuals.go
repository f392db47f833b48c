package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/config"
)

// individualsCmd: `hub individuals rekey` re-seals every identity number
// with the active key of HUB_PII_KEYS (the first), so that an old key can
// be removed from the ring afterwards. Run it with the owner's database
// URL and the new ring (new key first, old keys after it).
func individualsCmd(ctx context.Context, args []string) error {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub individuals", flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("HUB_DATABASE_URL"), "PostgreSQL connection URL, the owner's ($HUB_DATABASE_URL)")
	fs.StringVar(&cfg.PIIKeys, "pii-keys", os.Getenv("HUB_PII_KEYS"), "key ring: the new key first, then every key still in use ($HUB_PII_KEYS)")
	fs.StringVar(&cfg.PIIIndexKey, "pii-index-key", os.Getenv("HUB_PII_INDEX_KEY"), "blind index key ($HUB_PII_INDEX_KEY)")
	batch := fs.Int("batch", 1000, "numbers re-sealed per transaction")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 || fs.Arg(0) != "rekey" || *batch < 1 {
		return fmt.Errorf("hub individuals: use \"hub individuals [--batch N] rekey\"")
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("hub individuals: no database: set HUB_DATABASE_URL or --database-url")
	}
	keys, err := piiKeys(&cfg)
	if err != nil {
		return err
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := individuals.Store{Keys: keys}.Rekey(ctx, pool, *batch)
	if err != nil {
		return err
	}
	fmt.Printf("re-sealed %d identity numbers with key %q\n", n, keys.ActiveKeyID())
	return nil
}
