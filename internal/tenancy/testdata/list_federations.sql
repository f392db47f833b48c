-- What the code renders, written by TestGolden_ListFederations (go test -run '^TestGolden_ListFederations$' -update).

-- case: the first page
-- $1 = 21
SELECT f.id, f.org_id, f.name, f.created_at
FROM federations f
WHERE true
ORDER BY f.name, f.id
LIMIT $1;

-- case: after a cursor
-- $1 = 21
-- $2 = "Karlstads kommun"
-- $3 = 0a000000-0000-4000-8000-000000000002
SELECT f.id, f.org_id, f.name, f.created_at
FROM federations f
WHERE (f.name, f.id) > ($2, $3)
ORDER BY f.name, f.id
LIMIT $1;
