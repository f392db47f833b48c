package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
)

// The demo scenario of the samtycke capability (DESIGN §4, issue 5): a
// person in Karlstad on försörjningsstöd without SGI, with a case in
// Samspelet's routine and a samtycke for FK and Vårdcentralen Gripen under
// SAMORDNAD_REHABILITERING, none for AF. A second person has skyddade
// personuppgifter. The numbers are Luhn-valid test numbers (serials 98xx).
var (
	DemoIndividual          = ID("individual/karlstad/kim")
	DemoProtectedIndividual = ID("individual/karlstad/skyddad")
	DemoCase                = ID("case/karlstad/kim")
	DemoConsent             = ID("consent/karlstad/kim/osl")
	DemoPersonnummer        = "19850312-9804"
	DemoProtectedNumber     = "19920817-9821"
)

func loadCases(ctx context.Context, tx pgx.Tx, keys *piicrypt.Keys) error {
	karlstad, eb := ID("org/karlstad"), ID("unit/karlstad/eb")
	people := []struct {
		id                    [16]byte
		number, given, family string
		protected             bool
		handle                string
	}{
		{DemoIndividual, DemoPersonnummer, "Kim", "Andersson", false, "P-DEMO0KIM01"},
		{DemoProtectedIndividual, DemoProtectedNumber, "Alex", "Berg", true, "P-DEMO0SKY01"},
	}
	today := time.Now()
	for _, p := range people {
		num, err := personnummer.Parse(p.number, today)
		if err != nil {
			return fmt.Errorf("demo personnummer: %w", err)
		}
		keyID, sealed, err := keys.Seal([]byte(num.Digits()), p.id[:])
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO individuals (id, org_id, unit_id, number_kind, number_index, number_sealed, number_key_id,
			given_name, family_name, protected_identity, handle, registered_at, registered_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '2026-01-12 09:30+01', 'soc.karlstad')
		ON CONFLICT (id) DO NOTHING`, p.id, karlstad, eb, string(num.Kind()), keys.Index([]byte(num.Digits())), sealed, keyID,
			p.given, p.family, p.protected, p.handle); err != nil {
			return fmt.Errorf("demo individual: %w", err)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO cases (id, org_id, unit_id, individual_id, federation_id, lead_unit_id, lead_user_id, lead_name,
		sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, opened_at, opened_by)
	VALUES ($1, $2, $3, $4, $5, $3, 'soc.karlstad', 'Sara Lindqvist', 'NO', true, true, true, 'INTE_INSKRIVEN', '2026-01-12 10:00+01', 'soc.karlstad')
	ON CONFLICT (id) DO NOTHING`, DemoCase, karlstad, eb, DemoIndividual, ID("federation/samspelet"))
	if err != nil {
		return fmt.Errorf("demo case: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO case_participants (case_id, org_id, individual_id, participant_org_id, participant_unit_id, added_at, added_by)
	VALUES ($1, $2, $3, $4, $5, '2026-01-12 10:05+01', 'soc.karlstad'), ($1, $2, $3, $6, $7, '2026-01-12 10:05+01', 'soc.karlstad')
	ON CONFLICT DO NOTHING`, DemoCase, karlstad, DemoIndividual, ID("org/fk"), ID("unit/fk/karlstad"), ID("org/region-varmland"), ID("unit/region-varmland/vc-gripen"))
	if err != nil {
		return fmt.Errorf("demo participants: %w", err)
	}
	// The samtycke: written form, for FK and the vårdcentral, not AF.
	_, err = tx.Exec(ctx, `INSERT INTO consents (id, org_id, individual_id, kind, purposes, given_by, valid_from, valid_until,
		evidence, form_reference, requested_by_org_id, registered_at, registered_by, registered_by_name)
	VALUES ($1, $2, $3, 'OSL_SEKRETESSBRYTANDE', '{SAMORDNAD_REHABILITERING}', 'PERSON', '2026-01-12', '2028-01-11',
		'WRITTEN', 'Samtyckesblankett Samspelet 2026-01-12, diarienr AMF 2026/0113', $4, '2026-01-12 10:10+01', 'soc.karlstad', 'Sara Lindqvist')
	ON CONFLICT (id) DO NOTHING`, DemoConsent, karlstad, DemoIndividual, ID("org/fk"))
	if err != nil {
		return fmt.Errorf("demo consent: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO consent_grants (consent_id, org_id, individual_id, grantee_org_id, grantee_unit_id, classes, kind, purposes, valid_from, valid_until)
	SELECT c.id, c.org_id, c.individual_id, g.org_id, g.unit_id, g.classes::information_class[], c.kind, c.purposes, c.valid_from, c.valid_until
	FROM consents c, (VALUES
		($2::uuid, NULL::uuid, '{KOMMUN_EKONOMISKT_BISTAND,KOMMUN_PLANERING,VARD_SJUKSKRIVNING}'),
		($3::uuid, $4::uuid, '{KOMMUN_EKONOMISKT_BISTAND,KOMMUN_PLANERING,FK_SAMORDNING}'),
		($5::uuid, NULL::uuid, '{FK_BESLUT,FK_SAMORDNING,VARD_SJUKSKRIVNING,VARD_REHABILITERING}')
	) AS g(org_id, unit_id, classes)
	WHERE c.id = $1
	ON CONFLICT DO NOTHING`, DemoConsent, ID("org/fk"), ID("org/region-varmland"), ID("unit/region-varmland/vc-gripen"), karlstad)
	if err != nil {
		return fmt.Errorf("demo consent grants: %w", err)
	}
	items := []struct {
		key, org, class, purpose, summary, at, by string
	}{
		{"eb", "karlstad", "KOMMUN_EKONOMISKT_BISTAND", "SAMORDNAD_REHABILITERING", "Försörjningsstöd sedan mars 2025. Ingen SGI (nollplacerad). Läkarintyg inlämnat till ekonomiskt bistånd.", "2026-01-12 10:20+01", "soc.karlstad"},
		{"plan", "karlstad", "KOMMUN_PLANERING", "SAMORDNAD_REHABILITERING", "Planerat trepartsmöte med FK och vårdcentralen i februari; SIP övervägs.", "2026-01-12 10:25+01", "soc.karlstad"},
		{"fk", "fk", "FK_SAMORDNING", "SAMORDNAD_REHABILITERING", "Samordningsansvar bekräftat. Avstämningsmöte bokat 2026-02-10.", "2026-01-20 14:00+01", "ph.fk"},
		{"vc", "region-varmland", "VARD_SJUKSKRIVNING", "SAMORDNAD_REHABILITERING", "Sjukskrivning 100 % utfärdad 2026-01-15 till 2026-03-15 (intyg finns hos vårdcentralen).", "2026-01-16 08:45+01", "rehab.vc"},
	}
	for _, it := range items {
		if _, err := tx.Exec(ctx, `INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
		VALUES ($1, $2, $3, $10, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
			ID("case-item/karlstad/kim/"+it.key), DemoCase, DemoIndividual, ID("org/"+it.org), it.class, it.purpose, it.summary, it.at, it.by, karlstad); err != nil {
			return fmt.Errorf("demo case item: %w", err)
		}
	}
	return nil
}

// DevKeys are the public development keys (hub dev, tests), parsed.
func DevKeys() *piicrypt.Keys {
	k, err := piicrypt.ParseKeys(piicrypt.DevRing, piicrypt.DevIndexKey)
	if err != nil {
		panic(err)
	}
	return k
}
