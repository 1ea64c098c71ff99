"""Exceptions a user can cause.  The CLI prints their message on one line and exits 2."""


class RlvsimError(Exception):
    """Base class: an error caused by input the user can change."""


class InputError(RlvsimError):
    """A file or argument is invalid.  The message names the file, field, value and rule."""


class UnknownNameError(RlvsimError):
    """A name (vehicle, mission, site, fault...) is not in the catalog."""


class GuidanceError(RlvsimError):
    """Guidance could not produce a command (e.g. a target out of reach)."""
