-- Version 10: indexes for the IP-pool operations at fleet scale (allocation pick, rotation due scan).

-- The allocation's ranked pick: the order of the default allocation policy (status preference warmed, assigned,
-- available, warming; reputation good, fair, none, poor, critical; assigned count; id) over assignable IPs, so the
-- pick reads the rows ahead of the one it locks instead of sorting the fleet. The expressions must stay equal to the
-- ones the allocator writes into its statement.
CREATE INDEX ix_smtp_ip_addresses_allocation_rank ON $(schema).smtp_ip_addresses (
    (CASE status WHEN 'warmed' THEN 0 WHEN 'assigned' THEN 1 WHEN 'available' THEN 2 WHEN 'warming' THEN 3 ELSE 4 END),
    (CASE reputation_state WHEN 'good' THEN 0 WHEN 'fair' THEN 1 WHEN 'poor' THEN 3 WHEN 'critical' THEN 4 ELSE 2 END),
    (COALESCE(assigned_count, 0)),
    id
) WHERE status IN ('available', 'assigned', 'warming', 'warmed');

-- The rotation's due scan: assignments not expired, by expiry then id (the order rotation takes them in).
CREATE INDEX ix_domain_ip_assignments_due ON $(schema).domain_ip_assignments (expires, id)
    WHERE status IN ('scheduled', 'warming', 'active') AND expires IS NOT NULL;
