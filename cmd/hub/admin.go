package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
)

// auditCmd: `hub audit verify` recomputes every lane of every
// organisation's hash chain and names the first broken record of each
// broken lane. Run it with the owner's database URL (the application role
// sees one organisation only).
func auditCmd(ctx context.Context, args []string) error {
	cfg, rest, err := databaseFlags("hub audit", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] != "verify" {
		return fmt.Errorf("hub audit: use \"hub audit verify\"")
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	var orgs, lanes, records int
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM (SELECT org_id FROM audit_records UNION SELECT org_id FROM audit_chain_heads WHERE seq > 0) o),
		count(DISTINCT (org_id, lane)), count(*) FROM audit_records`).Scan(&orgs, &lanes, &records); err != nil {
		return fmt.Errorf("count audit records: %w", err)
	}
	breaks, err := audit.Verify(ctx, pool)
	if err != nil {
		return err
	}
	if len(breaks) == 0 {
		fmt.Printf("audit trail intact: %d records in %d lanes of %d organisation chains\n", records, lanes, orgs)
		return nil
	}
	brokenOrgs := map[string]bool{}
	for _, b := range breaks {
		brokenOrgs[b.OrgID.String()] = true
		fmt.Printf("BROKEN chain of organisation %s, lane %d, at record %d (id %s): %s\n", b.OrgID, b.Lane, b.Seq, b.RecordID, b.Problem)
	}
	return fmt.Errorf("%d of %d audit chains are broken (%d lanes)", len(brokenOrgs), orgs, len(breaks))
}

// policyCmd: `hub policy load FILE` validates a policy (casbin CSV, see
// policy/README.md) and makes it the active policy on every replica: it
// returns once each has it in force. `hub policy check FILE` only
// validates.
func policyCmd(ctx context.Context, args []string) error {
	if len(args) == 2 && args[0] == "check" {
		text, err := os.ReadFile(args[1])
		if err != nil {
			return fmt.Errorf("hub policy: %w", err)
		}
		if err := authz.Validate(string(text)); err != nil {
			return err
		}
		fmt.Println("policy is valid")
		return nil
	}
	cfg, rest, err := databaseFlags("hub policy", args)
	if err != nil {
		return err
	}
	if len(rest) != 2 || rest[0] != "load" {
		return fmt.Errorf("hub policy: use \"hub policy load FILE\" or \"hub policy check FILE\"")
	}
	text, err := os.ReadFile(rest[1])
	if err != nil {
		return fmt.Errorf("hub policy: %w", err)
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	by := "unknown"
	if u, err := user.Current(); err == nil {
		by = u.Username
	}
	version, err := authz.StorePolicy(ctx, pool, string(text), by)
	if err != nil {
		return err
	}
	// Returning only once every replica decides with it: the request
	// after the command, on any replica, is decided under the new policy.
	replicas, behind, err := authz.AwaitReplicas(ctx, pool, version, policyRolloutWait)
	switch {
	case err != nil:
		return fmt.Errorf("hub policy: version %d stored, but %w", version, err)
	case behind > 0:
		return fmt.Errorf("hub policy: version %d stored, but %d of %d replicas have not put it in force after %s; "+
			"their logs say why (\"policy not reloaded\"), or they are not done yet", version, behind, replicas, policyRolloutWait)
	}
	if replicas == 0 {
		fmt.Printf("policy version %d stored; no replica is running (each puts it in force when it starts)\n", version)
		return nil
	}
	fmt.Printf("policy version %d stored and in force on all %d replicas\n", version, replicas)
	return nil
}

// policyRolloutWait bounds how long `hub policy load` waits for the
// replicas to put a new policy in force (each tabulates it: under a
// second on a quiet machine).
const policyRolloutWait = 30 * time.Second
