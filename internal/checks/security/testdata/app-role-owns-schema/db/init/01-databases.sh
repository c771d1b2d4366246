#!/bin/sh
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE pgr_ows_billing LOGIN;
CREATE DATABASE billing OWNER pgr_ows_billing;
CREATE ROLE pgr_ows_reports LOGIN; -- near-miss: owns nothing
SQL
