-- Placeholder in the evidence branch only: migration 034 belongs to a
-- neighbouring helper's branch of issue 14. tern loads only consecutive
-- numbers, so this empty file lets 036 run here. Drop it on merge.
SELECT 1;
---- create above / drop below ----
SELECT 1;
