"""Where chunks run: in this process, in a local process pool, or on a Dask cluster. Each backend takes an
iterator of chunks and yields the result list of every chunk, in completion order (the batch runner
restores input order when it assembles the output). A bounded number of chunks is in flight, so memory
stays flat however many notices there are.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from extractor.worker import BatchConfig, Result, Task, failure_result, process_chunk, warm

CRASH_REASON = ("worker process died while extracting this notice (out of memory, or a crash in native code); "
                "the other notices were retried")


class SerialBackend:
    name = "serial"
    reads_files = True  # tasks may carry paths: workers see this machine's files

    def __init__(self, config: BatchConfig):
        self.config = config

    def run(self, chunks: Iterable[list[Task]]) -> Iterator[list[Result]]:
        for chunk in chunks:
            yield process_chunk(self.config, chunk)

    def close(self) -> None:
        pass


class PoolBackend:
    """A process pool with the model loaded once per worker (the pool initializer). If a worker dies,
    the chunks in flight are retried one notice at a time, so only the notice that kills a worker is
    recorded as failed."""

    name = "pool"
    reads_files = True

    def __init__(self, config: BatchConfig, workers: int, function=process_chunk):
        self.config, self.workers, self.function = config, workers, function
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=warm, initargs=(self.config,))

    def run(self, chunks: Iterable[list[Task]]) -> Iterator[list[Result]]:
        source = iter(chunks)
        pending: dict = {}
        suspects: deque[Task] = deque()
        window = 2 * self.workers
        exhausted = False
        while True:
            while not exhausted and not suspects and len(pending) < window:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                pending[self.pool.submit(self.function, self.config, chunk)] = chunk
            if not pending and suspects:
                yield from self._isolate(suspects)
                continue
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    suspects.extend(chunk)  # every future in flight fails with the pool

    def _isolate(self, suspects: deque[Task]) -> Iterator[list[Result]]:
        """Run each suspect alone in a fresh pool: the one that breaks it is the culprit."""
        self._restart()
        while suspects:
            task = suspects.popleft()
            try:
                yield self.pool.submit(self.function, self.config, [task]).result()
            except BrokenProcessPool:
                yield [failure_result(task, CRASH_REASON)]
                self._restart()

    def _restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """Chunks as Dask tasks. Input bytes travel with the tasks, so workers need the package installed
    (same version) but no shared filesystem; each worker process loads the model once and keeps it."""

    name = "dask"
    reads_files = False

    def __init__(self, config: BatchConfig, client, own_cluster=None, window: int | None = None):
        self.config, self.client, self.own_cluster = config, client, own_cluster
        threads = sum(client.nthreads().values()) or 1
        self.window = window or 2 * threads

    @classmethod
    def connect(cls, config: BatchConfig, scheduler: str | None, workers: int) -> DaskBackend:
        from distributed import Client, LocalCluster

        if scheduler:
            return cls(config, Client(scheduler, timeout="30s"))
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return cls(config, Client(cluster), own_cluster=cluster)

    def run(self, chunks: Iterable[list[Task]]) -> Iterator[list[Result]]:
        from distributed import as_completed

        source = iter(chunks)
        futures = {}
        ac = as_completed()
        for chunk in source:
            future = self.client.submit(process_chunk, self.config, chunk, pure=False)
            futures[future.key] = chunk
            ac.add(future)
            if ac.count() >= self.window:
                break
        for future in ac:
            chunk = futures.pop(future.key)
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost connection …
                results = [failure_result(t, f"dask task failed: {exc!r}") for t in chunk]
            future.release()
            yield results
            nxt = next(source, None)
            if nxt is not None:
                f = self.client.submit(process_chunk, self.config, nxt, pure=False)
                futures[f.key] = nxt
                ac.add(f)

    def close(self) -> None:
        self.client.close()
        if self.own_cluster is not None:
            self.own_cluster.close()
