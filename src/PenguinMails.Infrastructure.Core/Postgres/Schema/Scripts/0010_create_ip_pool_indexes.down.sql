-- Reverts version 10.
DROP INDEX IF EXISTS $(schema).ix_domain_ip_assignments_due;
DROP INDEX IF EXISTS $(schema).ix_smtp_ip_addresses_allocation_rank;
