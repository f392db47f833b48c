package national

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// FK's and AF's offices. Each generated FK or AF function belongs to the
// office serving its municipality (officeOf: FK's of its county, AF's the
// demo's Karlstad and Höglandet offices or its county's), so that what the
// generator sends FK or AF about a person lands in the office of the
// person's county, as the routine sends it, never in one national queue
// (issue 14: an FK handläggare in Karlstad listed every meeting in
// Sweden). docs/national-offices.md.

// ensureAFOffice creates the AF office of a county for its kommuner that
// no demo office serves (none when the demo's serve them all).
func ensureAFOffice(ctx context.Context, tx pgx.Tx, county, name string, codes []string) error {
	office := nationalID("af-office/", county)
	var rest []string
	for _, code := range codes {
		if nationalAFOffice(county, code) == office {
			rest = append(rest, code)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	parent := demo.ID("unit/af/region-syd-vast")
	return tenancy.EnsureUnit(ctx, tx, tenancy.Unit{ID: office, OrgID: demo.ID("org/af"), ParentID: &parent,
		Kind: tenancy.UnitLokalkontor, Name: "Arbetsförmedlingen " + name}, rest)
}

// homeCode is the municipality a generated function was drawn for, the
// last part of its name ("FK funktion 17 (1780)").
var homeCode = regexp.MustCompile(`\((\d{4})\)$`)

// loadOffices moves a data set loaded before the offices existed into
// them, in one transaction (OfficesOnly): the AF offices; each generated
// FK and AF function into the office of its municipality, as a load
// today puts it; and every task, task step, meeting party and plan insats
// sent to FK or AF organisation-wide into the office serving the case's
// municipality. A load today also picks only that office's functions,
// which a national function of another county's office may not be; the
// moved tasks keep the function they were routed to. So the rows differ
// from a fresh load's, the queues' shape does not.
func loadOffices(ctx context.Context, pool *pgxpool.Pool, byCounty map[string][]string, progress func(string, int, time.Time)) error {
	fk, af := demo.ID("org/fk"), demo.ID("org/af")
	// The demo's cases were written through the use cases, as the API
	// routes: what they sent organisation-wide stays so.
	demoCases := demo.TheScenario().CaseIDs()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		start := time.Now()
		for _, c := range nationalCounties {
			if err := ensureAFOffice(ctx, tx, c.code, c.name, byCounty[c.code]); err != nil {
				return err
			}
		}
		// The offices of every municipality, as a table the updates join.
		var codes []string
		var fkOffices, afOffices []uuid.UUID
		munis, _ := nationalMunicipalities()
		for _, m := range munis {
			codes = append(codes, m.code)
			fkOffices = append(fkOffices, nationalFKOffice(m.county))
			afOffices = append(afOffices, nationalAFOffice(m.county, m.code))
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE national_offices ON COMMIT DROP AS
			SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS o(code, fk, af)`, codes, fkOffices, afOffices); err != nil {
			return fmt.Errorf("offices: %w", err)
		}
		progress("offices", len(codes), start)

		start = time.Now()
		rows, err := tx.Query(ctx, `SELECT id, org_id, function_name FROM directory_entries
			WHERE org_id = ANY($1) AND reviewed_by = 'generator' AND unit_id IS NULL`, []uuid.UUID{fk, af})
		if err != nil {
			return fmt.Errorf("offices: read functions: %w", err)
		}
		var ids, units []uuid.UUID
		county := map[string]string{}
		for _, m := range munis {
			county[m.code] = m.county
		}
		for rows.Next() {
			var id, org uuid.UUID
			var name string
			if err := rows.Scan(&id, &org, &name); err != nil {
				return err
			}
			m := homeCode.FindStringSubmatch(name)
			if m == nil || county[m[1]] == "" {
				rows.Close()
				return fmt.Errorf("offices: function %s is not the generator's (%q names no municipality)", id, name)
			}
			unit, _ := officeOf(org, county[m[1]], m[1])
			ids, units = append(ids, id), append(units, unit)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE directory_entries e SET unit_id = u.unit
			FROM unnest($1::uuid[], $2::uuid[]) AS u(id, unit) WHERE e.id = u.id`, ids, units); err != nil {
			return fmt.Errorf("offices: move functions: %w", err)
		}
		progress("FK and AF functions into their offices", len(ids), start)

		// The queues. The owner's updates pass row security and the
		// tasks' party trigger, which binds hub_app only; nothing is
		// announced (task_events announces inserts).
		start = time.Now()
		tag, err := tx.Exec(ctx, `UPDATE tasks t SET recipient_unit_id = CASE WHEN t.recipient_org_id = $1 THEN o.fk ELSE o.af END
			FROM national_offices o
			WHERE o.code = t.municipality_code AND t.recipient_org_id = ANY($2) AND t.recipient_unit_id IS NULL
			  AND (t.case_id IS NULL OR t.case_id <> ALL($3))`, fk, []uuid.UUID{fk, af}, demoCases)
		if err != nil {
			return fmt.Errorf("offices: move tasks: %w", err)
		}
		moved := int(tag.RowsAffected())
		if _, err := tx.Exec(ctx, `UPDATE tasks t SET sender_unit_id = o.af FROM national_offices o
			WHERE o.code = t.municipality_code AND t.sender_org_id = $1 AND t.sender_unit_id IS NULL AND t.case_id IS NULL`, af); err != nil {
			return fmt.Errorf("offices: AF's konsultationer: %w", err)
		}
		// A step the recipient (or AF as the sender) took is its office's.
		if _, err := tx.Exec(ctx, `UPDATE task_events e SET actor_unit_id = CASE WHEN e.actor_org_id = t.recipient_org_id THEN t.recipient_unit_id ELSE t.sender_unit_id END
			FROM tasks t WHERE t.id = e.task_id AND e.actor_unit_id IS NULL AND e.actor_org_id = ANY($1)
			  AND (e.actor_org_id = t.recipient_org_id OR e.actor_org_id = t.sender_org_id)`, []uuid.UUID{fk, af}); err != nil {
			return fmt.Errorf("offices: move task steps: %w", err)
		}
		progress("tasks to FK and AF into their offices", moved, start)

		start = time.Now()
		tag, err = tx.Exec(ctx, `UPDATE meeting_parties p SET unit_id = t.recipient_unit_id
			FROM tasks t WHERE t.id = p.task_id AND p.org_id = ANY($1) AND p.unit_id IS NULL`, []uuid.UUID{fk, af})
		if err != nil {
			return fmt.Errorf("offices: move meeting parties: %w", err)
		}
		parties := int(tag.RowsAffected())
		if _, err := tx.Exec(ctx, `UPDATE sip_plan_insatser i SET huvudman_unit_id = o.af
			FROM sip_plans p JOIN cases c ON c.id = p.case_id JOIN organization_municipalities om ON om.org_id = c.org_id
			JOIN national_offices o ON o.code = om.municipality_code
			WHERE p.id = i.plan_id AND i.huvudman_org_id = $1 AND i.huvudman_unit_id IS NULL AND p.case_id <> ALL($2)`, af, demoCases); err != nil {
			return fmt.Errorf("offices: AF's insatser: %w", err)
		}
		progress("meeting parties of FK and AF into their offices", parties, start)
		return nil
	})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) directory_entries, tasks, task_events, meeting_parties, sip_plan_insatser`); err != nil {
		return err
	}
	progress("vacuum analyze", 0, start)
	return nil
}
