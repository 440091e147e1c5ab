"""The TOML reader: the standard library's tomllib from Python 3.11 on, its backport tomli
(the same module under another name, a dependency only there) on Python 3.10."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

__all__ = ["tomllib", "read_toml"]


def read_toml(path: str, error: type[Exception]) -> dict:
    """A data file's table; a file that is not TOML or cannot be read raises `error` with a
    sentence naming the file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc}).") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror}).") from None
