"""Shared fixtures: where the built package and the generated models are."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("WEFT_BUILD", os.path.join(ROOT, "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))


@pytest.fixture(scope="session")
def models():
    """The folder scripts/gen_models.py fills (resnet18, encoder, ...)."""
    folder = os.path.join(BUILD, "models")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_models.py"),
                    folder], check=True, stdout=subprocess.DEVNULL)
    return folder


@pytest.fixture(scope="session")
def root():
    return ROOT
