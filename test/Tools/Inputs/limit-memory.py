"""Runs a command with its address space limited to N MiB (RLIMIT_AS).

    limit-memory.py MIB COMMAND [ARGS...]

Exits with the command's status, so that a test can tell a clean refusal
(its own exit code and message) from a process that tried to read or
allocate what it should have refused first.
"""
import os
import resource
import sys

mib = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (mib << 20, mib << 20))
os.execvp(sys.argv[2], sys.argv[2:])
