"""Stage 6, ops: running papers for real — the runner, notebook execution, atomic output
folders, locks, the manifest, verification and batches of councils on Dask."""
