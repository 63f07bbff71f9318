"""JupyterLab's contents manager for ``sendlib lab``: narrative cells read from and saved
to the narrative files (``ops.lab_narrative``). Jupyter loads it by name:
``--ServerApp.contents_manager_class=sendlib.ops.lab_contents.NarrativeContentsManager``,
with the parameters folder and the month it serves (``--NarrativeContentsManager.params_dir``,
``.month``): the files are worked out from these, never from a notebook's metadata.
"""

from __future__ import annotations

import copy
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from traitlets import Unicode

from sendlib.ops import lab_narrative as ln


class NarrativeContentsManager(AsyncLargeFileManager):
    """Jupyter's own contents manager, with the narrative cells kept in their files."""

    params_dir = Unicode("", config=True, help="The parameters folder holding narrative/.")
    month = Unicode("", config=True, help="The month whose narrative files are served.")

    def _serves(self) -> bool:
        if self.params_dir and self.month:
            return True
        self.log.warning("sendlib: no params_dir and month configured: narrative not linked")
        return False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._known: dict[str, str] = {}  # narrative file → hash last read or written
        self._conflicts: dict[str, str] = {}  # file → the other version, while unresolved

    async def get(self, path, content=True, type=None, format=None, require_hash=False):
        model = await super().get(path, content, type, format, require_hash)
        if content and model.get("type") == "notebook" and model.get("content") and self._serves():
            for file, digest in ln.fill(
                model["content"], Path(self.params_dir), self.month
            ).items():
                self._known[file] = digest
                self._conflicts.pop(file, None)
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content") and self._serves():
            model = copy.deepcopy(model)
            params = Path(self.params_dir)
            for saved in ln.write_back(
                model["content"], params, self.month, self._known, self._conflicts
            ):
                if saved.conflict:
                    self.log.warning(
                        "sendlib: %s changed on disk since the notebook read it: both "
                        "versions are in the file, marked for review (reload the notebook)",
                        saved.file,
                    )
                elif saved.written:
                    self.log.info("sendlib: narrative saved to %s", saved.file)
        return await super().save(model, path)
