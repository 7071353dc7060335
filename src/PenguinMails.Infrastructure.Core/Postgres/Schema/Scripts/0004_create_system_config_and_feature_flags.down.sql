-- Reverts version 4.
DROP TABLE $(schema).feature_flags;
DROP TABLE $(schema).system_config;
