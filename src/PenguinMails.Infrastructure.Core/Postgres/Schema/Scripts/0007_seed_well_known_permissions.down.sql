-- Reverts version 7: removes the well-known permissions and the grants of them.
DELETE FROM $(schema).staff_role_permissions WHERE permission_id BETWEEN 1 AND 17;
DELETE FROM $(schema).permissions WHERE id BETWEEN 1 AND 17;
