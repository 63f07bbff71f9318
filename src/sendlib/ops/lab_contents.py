"""JupyterLab's contents manager for ``sendlib lab``: narrative cells read from and saved
to the narrative files (``ops.lab_narrative``). Jupyter loads it by name:
``--ServerApp.contents_manager_class=sendlib.ops.lab_contents.NarrativeContentsManager``.
"""

from __future__ import annotations

import copy

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from sendlib.ops import lab_narrative as ln


class NarrativeContentsManager(AsyncLargeFileManager):
    """Jupyter's own contents manager, with the narrative cells kept in their files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._known: dict[str, str] = {}  # narrative file → hash last read or written
        self._conflicts: dict[str, str] = {}  # file → the other version, while unresolved

    async def get(self, path, content=True, type=None, format=None, require_hash=False):
        model = await super().get(path, content, type, format, require_hash)
        if content and model.get("type") == "notebook" and model.get("content"):
            for file, digest in ln.fill(model["content"]).items():
                self._known[file] = digest
                self._conflicts.pop(file, None)
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content"):
            model = copy.deepcopy(model)
            for saved in ln.write_back(model["content"], self._known, self._conflicts):
                if saved.conflict:
                    self.log.warning(
                        "sendlib: %s changed on disk since the notebook read it: both "
                        "versions are in the file, marked for review (reload the notebook)",
                        saved.file,
                    )
                elif saved.written:
                    self.log.info("sendlib: narrative saved to %s", saved.file)
        return await super().save(model, path)
