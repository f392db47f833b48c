// Package migrations embeds the numbered SQL migrations of the hub's schema.
//
// Each file NNN_name.sql holds the "up" SQL above the line
// "---- create above / drop below ----" and the "down" SQL below it. The
// files are applied in order by internal/platform/migrate, each in its own
// transaction, under a Postgres advisory lock.
//
// schema.sql beside them is the schema they build together (pg_dump of a
// freshly migrated database), for reading; `make schema` rewrites it and a
// test in internal/platform/migrate keeps it true. It is not embedded.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed [0-9]*.sql
var FS embed.FS
