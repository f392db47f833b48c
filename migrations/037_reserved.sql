-- Reserved for the meetings helper's migration 037 (reminders and
-- minutes). DROP ON MERGE: this placeholder only keeps the numbers
-- consecutive so that tern loads 038 in this branch.
SELECT 1;

---- create above / drop below ----
SELECT 1;
