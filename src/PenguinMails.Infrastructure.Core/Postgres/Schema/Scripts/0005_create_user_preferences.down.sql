-- Reverts version 5.
DROP TABLE $(schema).user_preferences;
