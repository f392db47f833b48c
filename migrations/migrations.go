// Package migrations embeds the numbered SQL migrations of the hub's schema.
//
// Each file NNN_name.sql holds the "up" SQL above the line
// "---- create above / drop below ----" and the "down" SQL below it. The
// files are applied in order by internal/platform/migrate, each in its own
// transaction, under a Postgres advisory lock.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
