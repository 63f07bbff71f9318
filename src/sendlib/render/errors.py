"""The one error the renderer raises: the paper could not be rendered (exit code 2)."""


class RenderError(Exception):
    """The paper could not be rendered (exit code 2)."""
