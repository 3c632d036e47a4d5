"""For tools that still build with setup.py: scrapyd-deploy builds its egg with it.

Everything is declared in pyproject.toml.
"""

from setuptools import setup

setup()
