DROP SCHEMA scratch CASCADE; DROP FUNCTION transfer(bigint, bigint, numeric), safe_transfer(bigint), count_all(), later_fixed();
