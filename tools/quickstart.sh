#!/usr/bin/env bash
# Installs what is missing, builds layerscope (Release) and analyses the bundled demo image:
# a careless FastAPI/uvicorn/Celery image of 826 MB that its team must bring under 500 MB.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/deps.sh
tools/build.sh "$root/build"
echo
echo "\$ build/layerscope analyze sample_images/pyapp-demo.oci.tar --budget 500MB"
exec build/layerscope analyze sample_images/pyapp-demo.oci.tar --budget 500MB
