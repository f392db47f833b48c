-- Placeholder: migration 016 is reserved for another branch. tern refuses a
-- gap in the numbering ("Missing migration 16"), so this empty step holds
-- the number until that branch lands; when it does, its 016 replaces this
-- file (delete this one in the merge). Never deploy this placeholder: a
-- database that recorded version 16 from it would skip the real 016.
SELECT 1;

---- create above / drop below ----

SELECT 1;
