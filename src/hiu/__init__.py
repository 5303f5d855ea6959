"""hiu: the system NHS High Intensity Use services run on.

The analytics core (every subpackage except ``hiu.web``) never imports Django; ``hiu.web`` is the
Django application built on top of it.
"""

__version__ = "0.1.0"
