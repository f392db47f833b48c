-- What the code renders, written by TestGolden_Covers (go test -run '^TestGolden_Covers$' -update).

-- case: the person
-- $1 = 1d000000-0000-4000-8000-000000000001
SELECT EXISTS (SELECT 1 FROM hub_shares_person($1::uuid));

-- case: a class
-- $1 = 1d000000-0000-4000-8000-000000000001
-- $2 = "KOMMUN_PLANERING"
SELECT EXISTS (SELECT 1 FROM hub_shares_class($1::uuid, $2::text::information_class));
