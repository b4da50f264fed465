"""``python -m sopmine``: the same as the ``sopmine`` command."""

from sopmine.cli import main

main()
