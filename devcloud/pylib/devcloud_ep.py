"""Run a console-script entry point: devcloud_ep.py NAME MODULE:FUNCTION [ARGS...].

Debian ships most OpenStack daemons' console scripts in per-daemon packages we do not install;
this runs the same entry point with argv[0] = NAME (oslo uses it as the program name).
"""
import importlib
import sys

name, target = sys.argv[1], sys.argv[2]
module, function = target.split(":")
sys.argv = [name] + sys.argv[3:]
sys.exit(getattr(importlib.import_module(module), function)())
