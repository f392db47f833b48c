-- What the code renders, written by TestGolden_Covers (go test -run '^TestGolden_Covers$' -update).

-- case: the person
-- $1 = 1d000000-0000-4000-8000-000000000001
SELECT EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = $1::uuid AND g.shares_person OFFSET 0);

-- case: a class
-- $1 = 1d000000-0000-4000-8000-000000000001
-- $2 = "KOMMUN_PLANERING"
SELECT EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = $1::uuid AND $2::text::information_class = ANY (g.classes) OFFSET 0);
