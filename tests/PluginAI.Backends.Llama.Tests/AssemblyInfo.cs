// llama.cpp has one log callback per process, and every test loads models on the same two cores; running test
// classes one after another keeps timings (cancellation) meaningful and the log routing deterministic.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
