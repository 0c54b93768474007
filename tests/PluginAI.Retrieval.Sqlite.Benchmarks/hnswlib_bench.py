"""Runs hnswlib over the vectors the .NET benchmark wrote, with the same M, ef_construction and ef values.

Usage: python3 hnswlib_bench.py <data-dir> <M> <ef_construction> <ef,ef,...>
Prints one JSON object: build seconds and, per ef, recall@10 against the exact neighbours and query latency percentiles.
"""
import json
import sys
import time

import hnswlib
import numpy as np


def main():
    data_dir, m, ef_construction, efs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(e) for e in sys.argv[4].split(",")]
    header = np.fromfile(f"{data_dir}/header.i32", dtype=np.int32)
    count, queries_count, dim, k = (int(x) for x in header)
    vectors = np.fromfile(f"{data_dir}/vectors.f32", dtype=np.float32).reshape(count, dim)
    queries = np.fromfile(f"{data_dir}/queries.f32", dtype=np.float32).reshape(queries_count, dim)
    truth = np.fromfile(f"{data_dir}/truth.i64", dtype=np.int64).reshape(queries_count, k)

    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(max_elements=count, M=m, ef_construction=ef_construction, random_seed=100)
    start = time.perf_counter()
    index.add_items(vectors, np.arange(count), num_threads=-1)
    build = time.perf_counter() - start

    index.set_num_threads(1)
    results = []
    for ef in efs:
        index.set_ef(max(ef, k))
        for q in queries[:20]:
            index.knn_query(q.reshape(1, -1), k=k)
        latencies = []
        hits = 0
        for i, q in enumerate(queries):
            t = time.perf_counter()
            labels, _ = index.knn_query(q.reshape(1, -1), k=k)
            latencies.append((time.perf_counter() - t) * 1e6)
            hits += len(set(labels[0].tolist()) & set(truth[i].tolist()))
        latencies.sort()
        results.append({
            "ef": ef,
            "recall": hits / (k * queries_count),
            "p50_us": latencies[len(latencies) // 2],
            "p99_us": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        })
    print(json.dumps({"build_s": build, "results": results}))


if __name__ == "__main__":
    main()
