"""The version of sopmine (read by the build backend and by ``sopmine --version``)."""

__version__ = "0.1.0"
