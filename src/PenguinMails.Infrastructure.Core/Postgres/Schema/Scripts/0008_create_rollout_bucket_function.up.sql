-- Version 8: the feature-flag rollout bucket in SQL, identical to RolloutBucket.Compute in C#:
--   MurmurHash3_x86_32(UTF-8 bytes of flag_key || ':' || subject_id, seed 0) % 100 + 1, a number 1..100.
-- A flag is on for a subject when is_enabled AND rollout_percentage > 0 AND bucket <= rollout_percentage.
-- 32-bit unsigned arithmetic is done in bigint and masked; a 32x32-bit product is split into 16-bit halves so that
-- it never overflows bigint.
CREATE FUNCTION $(schema).penguinmails_rollout_bucket(flag_key text, subject_id text) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $body$
DECLARE
    data bytea := convert_to(flag_key || ':' || subject_id, 'UTF8');
    len integer := length(convert_to(flag_key || ':' || subject_id, 'UTF8'));
    nblocks integer := length(convert_to(flag_key || ':' || subject_id, 'UTF8')) / 4;
    mask constant bigint := 4294967295;
    c1 constant bigint := 3432918353;  -- 0xcc9e2d51
    c2 constant bigint := 461845907;   -- 0x1b873593
    h bigint := 0;
    k bigint;
    i integer;
    o integer;
    rem integer;
BEGIN
    FOR i IN 0 .. nblocks - 1 LOOP
        o := i * 4;
        k := get_byte(data, o)::bigint
            | (get_byte(data, o + 1)::bigint << 8)
            | (get_byte(data, o + 2)::bigint << 16)
            | (get_byte(data, o + 3)::bigint << 24);
        k := (((k & 65535) * c1) + ((((k >> 16) * c1) & 65535) << 16)) & mask;
        k := ((k << 15) | (k >> 17)) & mask;
        k := (((k & 65535) * c2) + ((((k >> 16) * c2) & 65535) << 16)) & mask;
        h := h # k;
        h := ((h << 13) | (h >> 19)) & mask;
        h := (h * 5 + 3864292196) & mask;  -- 0xe6546b64
    END LOOP;

    rem := len - nblocks * 4;
    IF rem > 0 THEN
        o := nblocks * 4;
        k := 0;
        IF rem >= 3 THEN
            k := k # (get_byte(data, o + 2)::bigint << 16);
        END IF;
        IF rem >= 2 THEN
            k := k # (get_byte(data, o + 1)::bigint << 8);
        END IF;
        k := k # get_byte(data, o)::bigint;
        k := (((k & 65535) * c1) + ((((k >> 16) * c1) & 65535) << 16)) & mask;
        k := ((k << 15) | (k >> 17)) & mask;
        k := (((k & 65535) * c2) + ((((k >> 16) * c2) & 65535) << 16)) & mask;
        h := h # k;
    END IF;

    h := h # len;
    h := h # (h >> 16);
    h := (((h & 65535) * 2246822507) + ((((h >> 16) * 2246822507) & 65535) << 16)) & mask;  -- 0x85ebca6b
    h := h # (h >> 13);
    h := (((h & 65535) * 3266489909) + ((((h >> 16) * 3266489909) & 65535) << 16)) & mask;  -- 0xc2b2ae35
    h := h # (h >> 16);
    RETURN (h % 100)::integer + 1;
END
$body$;

COMMENT ON FUNCTION $(schema).penguinmails_rollout_bucket(text, text) IS
    'Feature-flag rollout bucket 1..100: MurmurHash3_x86_32(UTF-8(flag_key:subject_id), 0) % 100 + 1 (Unleash normalisation).';
