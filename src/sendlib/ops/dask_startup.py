"""The start of a Dask worker that runs a batch's tasks: the process-wide changes every
process of sendlib's own makes where it starts (``sendlib.startup.as_sendlib_process``),
made by a worker plugin, since sendlib's command does not start the worker. Imported only
with Dask (the ``batch`` extra)."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from sendlib.startup import as_sendlib_process


class SendlibStartup(WorkerPlugin):
    """Registered by ``cluster.cluster_client`` on each batch's client: set up in every
    worker of the cluster, and in each that joins it later."""

    name = "sendlib-startup"

    def setup(self, worker) -> None:
        as_sendlib_process()
