using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(PluginAI.Backends.Onnx.Benchmarks.ThroughputConfig).Assembly).Run(args);
