"""How a batch reaches its Dask cluster.

An open Dask scheduler runs anyone's code, so a cluster is spoken to over TLS with
certificates (``distributed.security.Security``): an existing cluster's from files named
on the command line (``tcp://`` is refused unless ``--insecure``), a local cluster's made
for the batch (``Security.temporary``) and bound to 127.0.0.1. No worker is given the id
key.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sendlib.workers import SECRETS, cpu_count


class InsecureScheduler(ValueError):  # noqa: N818 - the name users see
    """A scheduler address or certificates that would let others run code on the cluster."""


def security(
    scheduler: str,
    ca_file: Path | None,
    cert: Path | None,
    key: Path | None,
    insecure: bool = False,
):
    """The ``Security`` for speaking to an existing scheduler: TLS with the council's
    certificates for ``tls://``; ``tcp://`` (unencrypted, and anyone who reaches it runs
    code as its workers) only with ``insecure``; None then."""
    from distributed.security import Security

    scheme = scheduler.split("://", 1)[0] if "://" in scheduler else "tcp"
    if scheme == "tls":
        missing = [
            option
            for option, path in (
                ("--tls-ca-file", ca_file),
                ("--tls-cert", cert),
                ("--tls-key", key),
            )
            if path is None or not Path(path).is_file()
        ]
        if missing:
            raise InsecureScheduler(
                f"--scheduler {scheduler}: a TLS scheduler needs the certificate files "
                f"{', '.join(missing)} (the cluster's CA, this client's certificate and key)"
            )
        return Security(
            tls_ca_file=str(ca_file),
            tls_client_cert=str(cert),
            tls_client_key=str(key),
            require_encryption=True,
        )
    if scheme == "tcp" and insecure:
        return None
    raise InsecureScheduler(
        f"--scheduler {scheduler}: {scheme}:// is neither encrypted nor authenticated, and "
        "anyone who can reach an open scheduler runs code as its workers; start the cluster "
        "with TLS and give tls://host:port with --tls-ca-file, --tls-cert and --tls-key "
        "(or --insecure on a network only you can reach)"
    )


@contextlib.contextmanager
def secrets_withheld() -> Iterator[None]:
    """The local cluster's workers inherit this process's environment: not the id key."""
    saved = {name: os.environ.pop(name) for name in SECRETS if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def cluster_client(scheduler: str | None, workers: int | None, papers: bool, secured=None):
    """A client on ``scheduler`` (with ``secured``, its ``Security``), or on a local
    cluster of one worker process per core on 127.0.0.1 over TLS with certificates made
    for it (not daemons when they run papers: a paper's kernels are their children)."""
    import dask
    from distributed import Client, LocalCluster
    from distributed.security import Security

    if scheduler:
        return _started(Client(scheduler, security=secured)), None
    local = Security.temporary()
    with dask.config.set({"distributed.worker.daemon": not papers}):
        cluster = LocalCluster(
            n_workers=workers or cpu_count(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            protocol="tls://",
            security=local,
            dashboard_address=None,
            silence_logs=40,
        )
    return _started(Client(cluster, security=local)), cluster


def _started(client):
    """The client, its workers (and any that join later) started as sendlib's own
    processes are (``sendlib.startup``): a Dask worker is not started by sendlib's
    command, so it would otherwise spend seconds in each paper on what the command
    skips."""
    from sendlib.ops.dask_startup import SendlibStartup

    client.register_plugin(SendlibStartup())
    return client
