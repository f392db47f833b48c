-- What the code renders, written by TestGolden_PartiesAndItems (go test -run '^TestGolden_PartiesAndItems$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
-- $2 = [KOMMUN_PLANERING]
SELECT it.id, it.case_id, it.org_id, it.class, it.purpose, it.summary, it.recorded_at, it.recorded_by, it.individual_id, it.case_org_id,
	CASE WHEN it.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(it.individual_id, it.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_items it
WHERE it.case_id = ANY($1) AND (cardinality($2::text[]) = 0 OR it.class::text = ANY ($2))
  AND (it.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(it.individual_id, it.class::information_class)))
ORDER BY it.case_id, it.recorded_at, it.id;

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
-- $2 = [KOMMUN_PLANERING]
SELECT it.id, it.case_id, it.org_id, it.class, it.purpose, it.summary, it.recorded_at, it.recorded_by, it.individual_id, it.case_org_id,
	CASE WHEN it.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(it.individual_id, it.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_items it
WHERE it.case_id = ANY($1) AND (cardinality($2::text[]) = 0 OR it.class::text = ANY ($2))
  AND (it.org_id = hub_current_org() OR false)
ORDER BY it.case_id, it.recorded_at, it.id;

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
-- $2 = [KOMMUN_PLANERING]
SELECT it.id, it.case_id, it.org_id, it.class, it.purpose, it.summary, it.recorded_at, it.recorded_by, it.individual_id, it.case_org_id,
	CASE WHEN it.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(it.individual_id, it.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_items it
WHERE it.case_id = ANY($1) AND (cardinality($2::text[]) = 0 OR it.class::text = ANY ($2))
  AND (false OR EXISTS (SELECT 1 FROM hub_shares_class(it.individual_id, it.class::information_class)))
ORDER BY it.case_id, it.recorded_at, it.id;
