-- Reverts version 8.
DROP FUNCTION IF EXISTS $(schema).penguinmails_rollout_bucket(text, text);
