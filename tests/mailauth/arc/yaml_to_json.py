#!/usr/bin/python3
"""Writes a YAML file of several documents (the ARC test suite's scenarios) as one JSON array."""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as source:
    scenarios = list(yaml.safe_load_all(source))
with open(sys.argv[2], "w", encoding="utf-8") as target:
    json.dump(scenarios, target)
