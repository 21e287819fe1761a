#!/usr/bin/env bash
# Regenerate every chart shown in README.md and docs/ from the shipped scenarios:
#   bash docs/make-images.sh
# Run from anywhere after `python -m pip install -e .`; the files are byte-identical run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
tariffsim run scenarios/escalate.yaml --plot docs/img/run-escalate.png > /dev/null
tariffsim compare scenarios/{escalate,hold,ceasefire,deescalate}.yaml --reference hold \
    --plot docs/img/comparison.png --plot-dir docs/img > /dev/null
tariffsim backtest --plot docs/img/backtest.png > /dev/null
tariffsim sweep scenarios/outlook.yaml --samples 10000 --seed 1 --threshold '100 billion USD' \
    --plot docs/img/sweep-outlook.png > /dev/null
# The report page's screenshot (needs chromium; its pixels depend on the browser's version,
# so unlike the charts above it is not byte-identical across machines).
page_dir=$(mktemp -d)
tariffsim report scenarios/{escalate,hold,ceasefire,deescalate}.yaml --reference hold \
    -o "$page_dir/report.html" 2> /dev/null
python -m tests.page.browser "$page_dir/report.html" docs/img/report.png 1000 1500
python -m tests.page.browser "$page_dir/report.html" docs/img/report-phone.png 390 844
rm -rf "$page_dir"
