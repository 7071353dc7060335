-- Reverts version 2.
DROP TABLE $(schema).domain_ip_assignments;
