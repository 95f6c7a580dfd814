#!/usr/bin/env bash
# Whole-campaign simulations of variant 001 (issue 3): N candidates on SQLite (one worker) and on
# PostgreSQL (one database created afresh per run, workers = CPU cores), printed with the machine
# and date for benchmarks/RESULTS.md.
#   benchmarks/bench_simulate.sh [N ...]          default: 1000 10000
#   PG=postgresql://postgres@127.0.0.1:5432 benchmarks/bench_simulate.sh 1000
set -euo pipefail
cd "$(dirname "$0")/.."
PG=${PG:-postgresql://postgres@127.0.0.1:5432}
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 10000)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname), $(nproc) cores, $(python3 --version)"
for n in "${SIZES[@]}"; do
  echo "## SQLite, N=$n"
  .venv/bin/pingxuan simulate --variant 001 --candidates "$n" 2>&1 | sed -n '/^变体/,$p'
  db="bench_sim_$n"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  echo "## PostgreSQL, N=$n"
  .venv/bin/pingxuan simulate --variant 001 --candidates "$n" --database "$PG/$db" 2>&1 | sed -n '/^变体/,$p'
  psql "$PG/postgres" -qc "DROP DATABASE $db"
done
