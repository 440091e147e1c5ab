"""The TOML reader: the standard library's tomllib from Python 3.11 on, its backport tomli
(the same module under another name, a dependency only there) on Python 3.10."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

__all__ = ["tomllib"]
