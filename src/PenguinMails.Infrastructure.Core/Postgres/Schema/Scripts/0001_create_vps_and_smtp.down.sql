-- Reverts version 1.
DROP TABLE $(schema).smtp_ip_addresses;
DROP TABLE $(schema).vps_instances;
DROP FUNCTION $(schema).penguinmails_touch_updated();
