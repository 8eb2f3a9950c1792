using BenchmarkDotNet.Running;
using PersistStore.Benchmarks;

// dotnet run -c Release --project bench/PersistStore.Benchmarks -- cmdlets out/PersistStore [operations]
// dotnet run -c Release --project bench/PersistStore.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter *]
if (args.Length >= 2 && args[0] == "cmdlets")
    return CmdletTimings.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 1000);
BenchmarkSwitcher.FromAssembly(typeof(RunBenchmarks).Assembly).Run(args);
return 0;
