-- Placeholder for migration 037, which another branch adds: drop on merge.
SELECT 1;
---- create above / drop below ----
SELECT 1;
